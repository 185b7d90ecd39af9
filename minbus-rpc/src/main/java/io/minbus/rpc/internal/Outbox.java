package io.minbus.rpc.internal;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/** Sends the frames of one endpoint, one at a time, blocking while the channel has no credit. */
final class Outbox {

    private final Endpoint ep;
    private final MessageChannel channel;
    private final ReentrantLock lock = new ReentrantLock();

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
        lock.lock();
        try {
            Endpoint.LOG.log(Level.DEBUG, () -> ">> " + ep.name() + " " + f);
            channel.send(bytes);
        } catch (RpcException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ChannelClosedException("sending on the channel of " + ep.name() + " failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }
}
