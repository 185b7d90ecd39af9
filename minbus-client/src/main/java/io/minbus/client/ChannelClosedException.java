package io.minbus.client;

import java.io.Serial;
import java.nio.ByteBuffer;

/**
 * The other plugin ended a half of the channel normally: it closed the half we read (after its last
 * message; {@link Channel#receive()} then throws this) or cancelled the half we write ({@link
 * Channel#send} throws this). {@link #reason()} is the end payload exactly as the other plugin gave
 * it.
 */
public final class ChannelClosedException extends MinBusException {
    @Serial private static final long serialVersionUID = 1L;

    private final transient ByteBuffer reason;
    private final boolean cancelled;

    public ChannelClosedException(String message, ByteBuffer reason, boolean cancelled) {
        super(message);
        ByteBuffer copy = ByteBuffer.allocate(reason.remaining()).put(reason.duplicate()).flip();
        this.reason = copy.asReadOnlyBuffer();
        this.cancelled = cancelled;
    }

    /** The other plugin's end payload (a fresh read-only view on each call). */
    public ByteBuffer reason() {
        return reason.duplicate();
    }

    /** True if the other plugin cancelled the half we write; false if it closed the half we read. */
    public boolean cancelled() {
        return cancelled;
    }
}
