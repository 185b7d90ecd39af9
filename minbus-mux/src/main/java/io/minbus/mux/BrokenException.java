package io.minbus.mux;

import java.io.Serial;

/**
 * The session or a half can no longer be used: the session was closed, the connection was lost or
 * broke a protocol rule, or a heartbeat went unanswered. The message says which; the cause, if any,
 * is the underlying failure (e.g. a {@link io.minbus.wire.ProtocolViolationException}).
 */
public final class BrokenException extends MuxException {
    @Serial private static final long serialVersionUID = 1L;

    public BrokenException(String message) {
        super(message);
    }

    public BrokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
