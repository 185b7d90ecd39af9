package io.minbus.mux;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/** A two-way channel: one half we write, one we read, each closed on its own. Thread-safe. */
public final class Duplex implements Incoming {
    private final WriteEnd out;
    private final ReadEnd in;
    private final ByteBuffer opening;

    Duplex(WriteEnd out, ReadEnd in, ByteBuffer opening) {
        this.out = out;
        this.in = in;
        this.opening = opening.asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer opening() {
        return opening.duplicate();
    }

    /** Sends one message, waiting for credit; see {@link Sink#send}. */
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

    /** The next message; see {@link Stream#receive()}. */
    public ByteBuffer receive() {
        return in.receive(0, true).orElseThrow();
    }

    /** The next message, or empty if none came within {@code timeout}. */
    public Optional<ByteBuffer> receive(Duration timeout) {
        return in.receive(End.deadline(timeout), false);
    }

    /**
     * Arms direct delivery: each whole message that arrives from now on is first offered to {@code
     * receiver}, on the session's reader thread and with the session's lock held, in order. If it
     * returns true it took the message (and owns the buffer); the message is not queued and wakes
     * no thread blocked in {@code receive}. If it returns false (or throws, which is logged), the
     * message waits for {@code receive} as usual, and so does every later one: delivery is disarmed
     * until the next {@code deliverTo}. A half that ended, or a session that failed, still shows in
     * {@code receive}, so a thread may keep waiting there for the end and for declined messages.
     *
     * <p>Only a message that ends what one read of the connection brought in is offered: one with
     * more bytes of the connection already at hand behind it is part of a burst, and waits for
     * {@code receive} (disarming delivery as a decline does), so that one wake-up of the receiving
     * thread takes the whole burst instead of the reader handing messages over one by one.
     *
     * <p>The receiver must return at once: never block, never wait for a lock another thread may
     * hold while using this session, never send, receive or end anything on this session. Its use
     * is to hand a message to a thread that is already waiting for it, saving one thread hand-off
     * per message.
     *
     * @return true if armed; false, arming nothing, if messages are waiting for {@code receive} or
     *     the half we read has ended (receive them first, then arm again)
     */
    public boolean deliverTo(Predicate<ByteBuffer> receiver) {
        return in.deliverTo(Objects.requireNonNull(receiver, "receiver"));
    }

    /** Closes the half we write (after what was sent); we can still receive. */
    public void close(ByteBuffer reason) {
        out.close(reason);
    }

    /** Cancels the half we read; we can still send. */
    public void cancel(ByteBuffer reason) {
        in.cancel(reason);
    }

    /** Pings the half we read; false if no pong came in time (then both halves are broken and ended). */
    public boolean ping(Duration timeout) {
        boolean ok = in.ping(timeout);
        if (!ok) {
            out.core.lock.lock();
            try {
                if (out.broken == null) {
                    out.broken = in.broken;
                    out.endAfterTimeout();
                    out.signal(); // a send waiting for credit on the other half fails now
                }
            } finally {
                out.core.lock.unlock();
            }
            out.core.kick();
        }
        return ok;
    }

    /** The peer's end payload once it closed the half we read. */
    public Optional<ByteBuffer> closeReason() {
        return in.closedReason();
    }

    /** The peer's end payload if it cancelled the half we write. */
    public Optional<ByteBuffer> cancelReason() {
        return out.cancelledReason();
    }

    /** The half we read as bytes: message boundaries are ignored; end of stream is the peer's close. */
    public InputStream inputStream() {
        return new ChannelInputStream(in);
    }

    /** The half we write as bytes: each write is one message; {@code close()} closes the half. */
    public OutputStream outputStream() {
        return new ChannelOutputStream(out);
    }

    @Override
    public String toString() {
        return "Duplex[" + in.half.entity() + "]";
    }
}
