package io.minbus.host;

/**
 * What a plugin's standard input is connected to. Whatever the mode, the plugin learns it from
 * {@code MINBUS_STDIN} ({@code closed}, {@code pipe} or {@code inherit}).
 */
public enum StdinMode {
    /**
     * The default. Stdin is a pipe on which the host never writes: reading it blocks until the host
     * closes it (when it stops the plugin) or the host process dies, then reads end-of-file. It is
     * the plugin's lifeline: {@link PluginEnvironment#watchHost} treats end-of-file as "the host is
     * gone". A plugin that never reads stdin is not affected.
     */
    CLOSED,
    /**
     * Stdin is a pipe the host application writes to through {@link PluginProcess#stdin()}; closing
     * it, or the host dying, gives the plugin end-of-file. The host closes it when it stops the plugin.
     */
    PIPE,
    /**
     * The plugin shares the host's own stdin (interactive plugins on a terminal). There is no
     * lifeline pipe: the plugin notices the host's death through {@code MINBUS_HOST_PID}.
     */
    INHERIT;

    /** The value of {@code MINBUS_STDIN} for this mode. */
    public String environmentValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
