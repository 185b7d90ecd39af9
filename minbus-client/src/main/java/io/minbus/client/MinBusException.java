package io.minbus.client;

import java.io.Serial;

/**
 * Base of the SDK's unchecked exceptions. The message says what happened and what to do; the
 * subclasses tell the cases apart for code that reacts to them.
 */
public class MinBusException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    public MinBusException(String message) {
        super(message);
    }

    public MinBusException(String message, Throwable cause) {
        super(message, cause);
    }
}
