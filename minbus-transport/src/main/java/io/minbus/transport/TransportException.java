package io.minbus.transport;

import java.io.IOException;
import java.io.Serial;
import java.io.UncheckedIOException;

/**
 * A transport failed: it could not connect or listen, or a read or write failed. The message says
 * what happened and, where it can, what to do about it.
 */
public class TransportException extends UncheckedIOException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for a failure of the operating system or the JDK.
     *
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public TransportException(String message, IOException cause) {
        super(message, cause);
    }

    /**
     * Creates an exception for a failure found by minbus itself; the cause is an {@link
     * IOException} with the same message.
     *
     * @param message what happened and what to do
     */
    public TransportException(String message) {
        super(message, new IOException(message));
    }
}
