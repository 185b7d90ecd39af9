package io.minbus.mux;

import java.io.Serial;

/** Base of the unchecked exceptions of the minbus session. The message says what happened. */
public class MuxException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    public MuxException(String message) {
        super(message);
    }

    public MuxException(String message, Throwable cause) {
        super(message, cause);
    }
}
