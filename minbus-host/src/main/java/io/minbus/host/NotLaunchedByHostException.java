package io.minbus.host;

import java.io.Serial;

/**
 * A plugin was run without the environment a minbus host gives it (usually: someone ran the
 * executable directly). The plugin should print {@link #getMessage()} to stderr and exit with a
 * non-zero status; see {@link PluginEnvironment#fromEnvironment()}.
 */
public class NotLaunchedByHostException extends PluginException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message the message for the person who ran the executable
     */
    public NotLaunchedByHostException(String message) {
        super(message);
    }
}
