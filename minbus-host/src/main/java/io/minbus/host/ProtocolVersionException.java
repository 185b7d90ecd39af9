package io.minbus.host;

import java.io.Serial;
import java.util.List;

/** Host and plugin share no minbus protocol version. The message names both sides' versions. */
public class ProtocolVersionException extends PluginException {

    @Serial private static final long serialVersionUID = 1L;

    private final List<Integer> hostVersions;
    private final List<Integer> pluginVersions;

    /**
     * Creates an exception.
     *
     * @param hostVersions the versions the host offers
     * @param pluginVersions the versions the plugin supports
     */
    public ProtocolVersionException(List<Integer> hostVersions, List<Integer> pluginVersions) {
        super("no common minbus protocol version: the host offers " + ProtocolVersions.format(hostVersions)
                + ", the plugin supports " + ProtocolVersions.format(pluginVersions)
                + "; upgrade whichever side is older");
        this.hostVersions = List.copyOf(hostVersions);
        this.pluginVersions = List.copyOf(pluginVersions);
    }

    /** The versions the host offers. */
    public List<Integer> hostVersions() {
        return hostVersions;
    }

    /** The versions the plugin supports. */
    public List<Integer> pluginVersions() {
        return pluginVersions;
    }
}
