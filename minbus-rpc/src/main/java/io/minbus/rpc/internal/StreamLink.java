package io.minbus.rpc.internal;

import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcException;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The importing side of a stream ref: its channel, opened on first use, and its release. It is
 * also the cleaner action of the stream proxy, so a stream dropped without close is released once
 * it is garbage-collected.
 */
final class StreamLink implements Runnable {

    final Endpoint ep;
    final long ref;
    private final ReentrantLock lock = new ReentrantLock();
    private MessageChannel channel;
    private boolean closed;

    StreamLink(Endpoint ep, long ref) {
        this.ep = ep;
        this.ref = ref;
    }

    /** The channel of the stream, opened (or dialled) on first use. */
    MessageChannel channel() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("stream ref " + ref + " is closed");
            }
            if (channel == null) {
                try {
                    channel = ep.refs().connect(ref);
                } catch (RpcException e) {
                    closed = true;
                    throw new IOException("cannot open the channel of stream ref " + ref + ": " + e.getMessage(), e);
                }
            }
            return channel;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the channel is open or was opened. */
    boolean connected() {
        lock.lock();
        try {
            return channel != null;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the channel, or releases the ref if it never had one. Idempotent. */
    @Override
    public void run() {
        MessageChannel ch;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ch = channel;
        } finally {
            lock.unlock();
        }
        if (ch != null) {
            ch.close();
        } else {
            ep.releaseRef(ref);
        }
    }
}
