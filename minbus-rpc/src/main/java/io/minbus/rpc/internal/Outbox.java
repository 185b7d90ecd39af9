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
 */
final class Outbox {

    private final Endpoint ep;
    private final MessageChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger senders = new AtomicInteger();

    Outbox(Endpoint ep, MessageChannel channel) {
        this.ep = ep;
        this.channel = channel;
    }

    /**
     * Sends one frame.
     *
     * @throws ChannelClosedException if the channel is closed
     * @throws io.minbus.rpc.RpcCancelledException if interrupted while waiting for credit
     */
    void send(Frame f) {
        ByteBuffer bytes = FrameCodec.encode(f);
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
