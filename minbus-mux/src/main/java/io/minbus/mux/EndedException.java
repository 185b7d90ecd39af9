package io.minbus.mux;

import java.io.Serial;
import java.nio.ByteBuffer;

/**
 * The peer ended a half: it closed the half we read (no more messages; for a request: it refused to
 * respond) or cancelled the half we write (it wants no more). Carries the peer's end payload.
 */
public final class EndedException extends MuxException {
    @Serial private static final long serialVersionUID = 1L;

    private final transient ByteBuffer reason;
    private final boolean cancelled;

    EndedException(String message, ByteBuffer reason, boolean cancelled) {
        super(message + " (end payload: " + reason.remaining() + " bytes)");
        this.reason = reason.asReadOnlyBuffer();
        this.cancelled = cancelled;
    }

    /** The peer's end payload (read-only; each call returns a fresh view). */
    public ByteBuffer reason() {
        return reason.duplicate();
    }

    /** True if the peer cancelled a half we write, false if it closed a half we read. */
    public boolean cancelled() {
        return cancelled;
    }
}
