package io.minbus.rpc.internal;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends the frames of one endpoint, one at a time, blocking while the channel has no credit.
 *
 * <p>Smart batching: every frame is written without a flush, and the last of the threads sending at
 * the same moment flushes. Alone, a caller flushes its own frame at once (no added latency); with 64
 * calls in flight, their frames leave in a few system calls instead of 64. Every frame is flushed by
 * a thread whose count reached zero after the frame was written.
 *
 * <p>"At the same moment" also covers threads that are about to send: the outbox counts ({@link
 * #expect()}) the handlers the reader has started and not yet answered, and the callers a response
 * has woken that have not yet returned. A virtual thread that would flush while some of them are
 * counted first yields once, so that they write their frames behind its own and one flush takes them
 * all (on these machines a flush is a system call of 2-4 µs; the yield costs well under one). It
 * yields at most once per frame and then flushes whatever is waiting, so a slow handler delays no
 * other answer by more than one turn of the scheduler; a platform thread never yields. With one call
 * in flight nothing is counted when the caller sends, and nothing changes.
 */
final class Outbox {

    private final Endpoint ep;
    private final MessageChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger senders = new AtomicInteger();
    /** Threads expected to send a frame soon (see the class comment). */
    private final AtomicInteger soon = new AtomicInteger();

    Outbox(Endpoint ep, MessageChannel channel) {
        this.ep = ep;
        this.channel = channel;
    }

    /** Counts a thread that will send a frame soon: a handler just started, a caller just woken. */
    void expect() {
        soon.incrementAndGet();
    }

    /** A thread counted by {@link #expect()} will not send, or has returned to its caller. */
    void unexpect() {
        soon.decrementAndGet();
    }

    /** How many threads are counted as about to send (0 once an endpoint is idle; see {@code Endpoint.take}). */
    int expected() {
        return soon.get();
    }

    /**
     * Sends one frame.
     *
     * @throws ChannelClosedException if the channel is closed
     * @throws io.minbus.rpc.RpcCancelledException if interrupted while waiting for credit
     */
    void send(Frame f) {
        send(f, false);
    }

    /**
     * Sends one frame; {@code expected}: the sending thread was counted by {@link #expect()}, and is
     * no longer once the frame is written (or failed).
     */
    void send(Frame f, boolean expected) {
        ByteBuffer bytes;
        try {
            bytes = FrameCodec.encode(f);
        } catch (RuntimeException e) {
            if (expected) {
                soon.decrementAndGet();
            }
            throw e;
        }
        RuntimeException failure = null;
        boolean last;
        senders.incrementAndGet();
        lock.lock();
        try {
            Endpoint.LOG.log(Level.DEBUG, () -> ">> " + ep.name() + " " + f);
            channel.write(bytes);
        } catch (RuntimeException e) {
            failure = wrap(e);
        } finally {
            last = senders.decrementAndGet() == 0;
            lock.unlock();
            if (expected) {
                soon.decrementAndGet();
            }
        }
        if (last && failure == null && soon.get() > 0 && Thread.currentThread().isVirtual()) {
            Thread.yield(); // the others woken with us write behind our frame first: one flush for all
            last = senders.get() == 0;
        }
        if (last) {
            try {
                channel.flush();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = wrap(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private RuntimeException wrap(RuntimeException e) {
        if (e instanceof RpcException) {
            return e;
        }
        return new ChannelClosedException("sending on the channel of " + ep.name() + " failed: " + e, e);
    }
}
