package io.minbus.mux;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/** A channel we read: a stream we opened, or a sink the peer opened. Thread-safe. */
public final class Stream implements Incoming {
    private final ReadEnd in;
    private final ByteBuffer opening;

    Stream(ReadEnd in, ByteBuffer opening) {
        this.in = in;
        this.opening = opening.asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer opening() {
        return opening.duplicate();
    }

    /**
     * The next message, waiting for it.
     *
     * @throws EndedException once the peer closed the channel and every message was taken; it carries
     *     the peer's end payload
     * @throws BrokenException if the session or this channel broke
     */
    public ByteBuffer receive() {
        return in.receive(0, true).orElseThrow();
    }

    /** The next message, or empty if none came within {@code timeout}. */
    public Optional<ByteBuffer> receive(Duration timeout) {
        return in.receive(End.deadline(timeout), false);
    }

    /** Tells the peer we want no more messages, with an end payload it receives. */
    public void cancel(ByteBuffer reason) {
        in.cancel(reason);
    }

    /** Pings the peer on this channel; false if no pong came in time (the channel is then broken and cancelled). */
    public boolean ping(Duration timeout) {
        return in.ping(timeout);
    }

    /** The peer's end payload once it closed the channel. */
    public Optional<ByteBuffer> closeReason() {
        return in.closedReason();
    }

    @Override
    public String toString() {
        return "Stream[" + in.half + "]";
    }
}
