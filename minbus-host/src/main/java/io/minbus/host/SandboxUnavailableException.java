package io.minbus.host;

import java.io.Serial;

/**
 * A plugin declares a sandbox that cannot be applied on this machine (no {@code bwrap}, or
 * {@code bwrap} cannot create namespaces here). The plugin was not started: minbus never runs a
 * plugin with less isolation than it asked for.
 */
public class SandboxUnavailableException extends PluginException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message why the sandbox cannot be applied and what to do
     */
    public SandboxUnavailableException(String message) {
        super(message);
    }
}
