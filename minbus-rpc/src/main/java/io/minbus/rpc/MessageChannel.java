package io.minbus.rpc;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One duplex channel of ordered messages with back-pressure: the service-provider interface
 * minbus-rpc runs on. A minbus duplex channel implements it through a small adapter; tests use an
 * in-memory pair.
 *
 * <p>What an implementation must do:
 *
 * <ul>
 *   <li>deliver every message whole and in order, with its boundaries kept (one {@link #send} is
 *       one {@link #receive} at the peer);
 *   <li>apply back-pressure: {@link #send} blocks while the peer grants no credit, and never
 *       buffers without bound;
 *   <li>allow one thread in {@link #send} and one in {@link #receive} at the same time, and
 *       {@link #close} from any thread at any time (minbus-rpc serialises its own sends and reads);
 *   <li>when the thread blocked in {@link #send} or {@link #receive} is interrupted, throw {@link
 *       RpcCancelledException} and keep the interrupt status set.
 * </ul>
 */
public interface MessageChannel extends AutoCloseable {

    /**
     * Sends the remaining bytes of {@code message} as one message, blocking while the peer grants
     * no credit. The channel owns the buffer afterwards; minbus-rpc never touches it again.
     *
     * @throws ChannelClosedException once either side has closed the channel or it failed
     * @throws RpcCancelledException if the thread was interrupted while blocked
     */
    void send(ByteBuffer message);

    /**
     * Like {@link #send}, but the message may wait in an output buffer until {@link #flush}, so that
     * the messages of concurrent callers leave together. minbus-rpc writes every message and the
     * last of a burst of concurrent senders flushes. The default sends at once.
     *
     * @throws ChannelClosedException once either side has closed the channel or it failed
     * @throws RpcCancelledException if the thread was interrupted while blocked
     */
    default void write(ByteBuffer message) {
        send(message);
    }

    /**
     * Sends what {@link #write} left in the output buffer; never waits for credit. The default does
     * nothing.
     *
     * @throws ChannelClosedException once either side has closed the channel or it failed
     */
    default void flush() {
    }

    /**
     * Optional: arms direct delivery, saving a thread hand-off per message. Each message that
     * arrives from now on is first offered to {@code receiver} on the thread that reads the
     * underlying connection, before a thread blocked in {@link #receive} would get it; true means it
     * took the message (and owns the buffer). A message it declines (false), and every later one,
     * goes to {@link #receive} as usual until this is called again. The end of the channel still
     * shows in {@link #receive}. minbus-rpc's receiver never blocks and never uses the channel.
     * The default arms nothing and returns false, so {@link #receive} gets every message.
     *
     * @return true if armed; false if not (unsupported, messages wait for {@link #receive}, or the
     *     channel ended)
     */
    default boolean deliverTo(Predicate<ByteBuffer> receiver) {
        return false;
    }

    /**
     * Blocks until the next message arrives and returns it (the caller owns the buffer). Empty
     * once the peer has closed the channel and every message it sent before was received, and
     * once this side has closed the channel (a blocked receive then returns empty promptly).
     *
     * @throws RpcCancelledException if the thread was interrupted while blocked
     */
    Optional<ByteBuffer> receive();

    /**
     * Closes the channel: ends this side's half (the peer receives what was sent before, then end
     * of channel), stops reading (the peer's blocked and later sends fail with {@link
     * ChannelClosedException}) and releases the channel. Idempotent; never blocks for long.
     */
    @Override
    void close();
}
