package io.minbus.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * A two-way channel between two plugins, relayed by the bus (docs/minbus.md §8, §9): each side
 * writes one half and reads the other. Messages keep their boundaries and order. Flow control is
 * end to end: {@link #send} waits until the other plugin has room, so neither side nor the bus
 * buffers more than a bounded window.
 *
 * <p>Each half ends on its own: {@link #close(ByteBuffer)} ends the half we write (the other side
 * reads our reason after our last message), {@link #cancel(ByteBuffer)} ends the half we read (the
 * other side's {@code send} then fails with our reason). A half the other side ended surfaces as
 * {@link ChannelClosedException} carrying its reason; a channel the bus broke (the other plugin went
 * away, shutdown) as {@link ChannelBrokenException}, after the messages received before.
 *
 * <p>Thread-safe; one thread may send while another receives.
 */
public interface Channel extends AutoCloseable {

    /** The other plugin's name: the target's for the side that connected, the initiator's ("" if nameless) for the side that accepted. */
    String peerName();

    /** The initiator's registered version, on the side that accepted; empty on the side that connected. */
    OptionalInt peerVersion();

    /**
     * Sends one message (consumed), waiting for credit as needed; a large message goes out in
     * pieces and arrives whole.
     *
     * @throws ChannelClosedException if the other side cancelled the half we write
     * @throws ChannelBrokenException if the channel broke
     * @throws BusGoneException if the connection to the bus is lost
     * @throws IllegalStateException if we closed the half we write
     */
    void send(ByteBuffer message);

    /**
     * Like {@link #send} (it waits for credit the same way), but the message may stay in the bus
     * connection's output buffer so that a burst of small messages leaves in one write: it goes out
     * with the next {@link #flush()}, the next {@code send} on this connection, a {@code receive}
     * on it that has to wait, or once 32 KiB of this channel's messages are waiting (or earlier,
     * whenever the connection writes for another reason). One 64-byte
     * {@code send} costs a system call; {@code write} does not. Call {@link #flush()} at the end of a
     * burst: a message written and never flushed may wait until the connection's next heartbeat.
     * Throws like {@link #send}.
     */
    default void write(ByteBuffer message) {
        send(message);
    }

    /**
     * Writes the messages {@link #write} held back (those of every channel of this bus connection).
     * Never waits for credit.
     *
     * @throws BusGoneException if the connection to the bus is lost
     */
    default void flush() {
    }

    /** Sends the message only if there is credit for all of it now; never waits. Throws like {@link #send}. */
    boolean trySend(ByteBuffer message);

    /**
     * The next message, waiting for it.
     *
     * <p>A platform thread waiting here reads the bus connection's socket itself when no other
     * thread does (leader/follower), so the message it waits for reaches it without a thread
     * hand-off; what it reads for other channels it hands on. A virtual thread (the threads of
     * {@link Plugin#onConnect} are) waits for the connection's reader thread instead. For the lowest
     * latency per message, serve a channel from a platform thread ({@link
     * Plugin#onConnect(Predicate, java.util.function.Consumer, java.util.concurrent.Executor)}
     * with a thread pool, or {@link Plugin#accept}).
     *
     * @throws ChannelClosedException once the other side closed the half we read and every message
     *     was taken; it carries the other side's reason
     * @throws ChannelBrokenException if the channel broke (after the messages received before)
     * @throws BusGoneException if the connection to the bus is lost
     */
    ByteBuffer receive();

    /** The next message, or empty if none came within {@code timeout}; throws like {@link #receive()}. */
    Optional<ByteBuffer> receive(Duration timeout);

    /**
     * Arms direct delivery, for code that hands messages on to threads already waiting for them
     * (minbus-rpc uses it; most plugins want {@link #receive()}): each whole message that arrives
     * from now on is first offered to {@code receiver} on the bus connection's reader thread, in
     * order, before any thread blocked in {@code receive} would see it. If the receiver returns
     * true it took the message (and owns the buffer); no thread is woken for it, and the credit it
     * used goes back to the sender at once. If it returns false (or throws; that is logged), the
     * message waits for {@code receive} as usual, and so does every later one until this is called
     * again. The end of the channel still shows in {@code receive}, so a thread can wait there for
     * the end and for declined messages, and arm again after each. Only a lone message is
     * offered: one with more bytes of the connection already read behind it is part of a burst and
     * waits for {@code receive} (disarming delivery as a decline does), since one wake-up of the
     * receiving thread then takes the whole burst.
     *
     * <p>The receiver runs while the connection holds its lock: it must return at once, never
     * block, and never use this bus connection (no send, receive, close or cancel on any of its
     * channels). A receiver that needs to do any of that declines the message.
     *
     * @return true if armed; false, arming nothing, if messages are waiting for {@code receive} or
     *     the half we read has ended (call {@code receive}, then arm again)
     */
    default boolean deliverTo(Predicate<ByteBuffer> receiver) {
        return false;
    }

    /**
     * The half we read as bytes: message boundaries are ignored, end of stream is the other side's
     * close, a broken channel is an {@link java.io.IOException}. Closing it cancels the half.
     */
    InputStream inputStream();

    /** The half we write as bytes: each write is one message; closing it closes the half. */
    OutputStream outputStream();

    /**
     * Closes the half we write, after the messages sent so far; the other side reads {@code reason}
     * as the end (exactly these bytes). We can still receive. A no-op if the half has ended already,
     * or the channel or the bus connection is gone.
     */
    void close(ByteBuffer reason);

    /**
     * Cancels the half we read: we want no more messages; the other side's sends fail with {@code
     * reason}. We can still send. A no-op if the half has ended already or the channel is gone.
     */
    void cancel(ByteBuffer reason);

    /**
     * Pings the other plugin through the bus and waits for its answer (a heartbeat on this channel).
     *
     * @return true if the answer came within {@code timeout}; false if not (the channel is then
     *     broken and ended) or the half we read has ended, so no ping can be answered
     */
    boolean ping(Duration timeout);

    /** The other side's reason once it closed the half we read. */
    Optional<ByteBuffer> closeReason();

    /** True once the channel is broken: the bus broke it, a ping went unanswered, or the bus connection is lost. */
    boolean isBroken();

    /**
     * True if this channel runs over a direct connection between the two plugins (docs/minbus.md
     * §19), false if the bus relays it. Both behave the same; a direct channel also breaks when
     * either plugin's bus connection ends.
     */
    default boolean isDirect() {
        return false;
    }

    /** Ends both halves (close and cancel, with empty reasons) where not ended yet. Idempotent, never throws. */
    @Override
    void close();
}
