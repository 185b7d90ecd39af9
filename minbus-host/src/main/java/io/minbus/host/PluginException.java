package io.minbus.host;

import java.io.Serial;

/**
 * Something went wrong launching, verifying, supervising or describing a plugin. The message says
 * what happened and, where it can, what to do next. Subclasses carry the details a caller may act
 * on (exit code, stderr tail, hashes, file and field).
 */
public class PluginException extends RuntimeException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what happened and what to do
     */
    public PluginException(String message) {
        super(message);
    }

    /**
     * Creates an exception with an underlying cause.
     *
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
