package io.minbus.identity;

import java.io.Serial;

/**
 * A key could not be loaded or stored: a missing or malformed key file, one that others may read,
 * or one that exists already. The message names the file and says what to do.
 */
public final class IdentityException extends RuntimeException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what happened and what to do
     */
    public IdentityException(String message) {
        super(message);
    }

    /**
     * Creates an exception with its cause.
     *
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
