package io.minbus.mux;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/** A channel we write: a sink we opened, or a stream the peer opened. Thread-safe. */
public final class Sink implements Incoming {
    private final WriteEnd out;
    private final ByteBuffer opening;

    Sink(WriteEnd out, ByteBuffer opening) {
        this.out = out;
        this.opening = opening.asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer opening() {
        return opening.duplicate();
    }

    /**
     * Sends one message (consumed), waiting for credit as needed; larger than the credit or the chunk
     * size it goes out as a partial payload.
     *
     * @throws EndedException if the peer cancelled
     * @throws MuxLimitException if longer than the peer's max_message
     * @throws BrokenException if the session or this channel broke
     */
    public void send(ByteBuffer message) {
        out.send(message, true);
    }

    /**
     * Like {@link #send}, but the message may wait in the session's output so that many small
     * messages leave in one write: until {@link #flush}, a {@code send}, a receive on this session
     * that has to wait, or 32 KiB (at most the chunk size) of this half's messages are waiting. Use
     * it for bursts of small messages and call {@link #flush} at the end of a burst. It may also leave
     * earlier, whenever the session writes for another reason.
     *
     * @throws EndedException if the peer cancelled
     * @throws MuxLimitException if longer than the peer's max_message
     * @throws BrokenException if the session or this channel broke
     */
    public void write(ByteBuffer message) {
        out.send(message, false);
    }

    /** Writes everything the session holds back, from {@link #write} on any channel; waits for no credit. */
    public void flush() {
        out.flush();
    }

    /** Sends the message only if there is credit for all of it now; never waits. */
    public boolean trySend(ByteBuffer message) {
        return out.trySend(message);
    }

    /** Closes the channel after the messages sent so far, with an end payload the peer receives. */
    public void close(ByteBuffer reason) {
        out.close(reason);
    }

    /** Pings the peer on this channel; false if no pong came in time (the channel is then broken and closed). */
    public boolean ping(Duration timeout) {
        return out.ping(timeout);
    }

    /** The peer's end payload if it cancelled the channel. */
    public Optional<ByteBuffer> cancelReason() {
        return out.cancelledReason();
    }

    @Override
    public String toString() {
        return "Sink[" + out.half + "]";
    }
}
