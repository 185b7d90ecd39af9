package io.minbus.transport.internal;

import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of an in-memory pair: a bounded {@link RingBuffer} in each direction, with the
 * end-of-stream and close semantics of a socket.
 */
public final class MemoryTransport implements Transport {

    private static final AtomicInteger PAIRS = new AtomicInteger();

    private final RingBuffer inbound;
    private final RingBuffer outbound;
    private final String description;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean outputShut; // guarded by writeLock

    private MemoryTransport(RingBuffer inbound, RingBuffer outbound, String description) {
        this.inbound = inbound;
        this.outbound = outbound;
        this.description = description;
    }

    /**
     * Two connected transports, each direction buffering at most {@code bufferBytes}; both are
     * described as {@code memory:N}, N counting pairs in this JVM.
     */
    public static Transport[] pair(int bufferBytes) {
        String description = "memory:" + PAIRS.incrementAndGet();
        RingBuffer aToB = new RingBuffer(bufferBytes, description);
        RingBuffer bToA = new RingBuffer(bufferBytes, description);
        return new Transport[] {
            new MemoryTransport(bToA, aToB, description), new MemoryTransport(aToB, bToA, description)
        };
    }

    @Override
    public int read(ByteBuffer dst) {
        return inbound.read(dst);
    }

    @Override
    public void write(ByteBuffer... srcs) {
        writeLock.lock();
        try {
            if (closed.get()) {
                throw Failures.closed(description);
            }
            if (outputShut) {
                throw Failures.outputShutDown(description);
            }
            for (ByteBuffer src : srcs) {
                outbound.write(src);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void shutdownOutput() {
        writeLock.lock();
        try {
            outputShut = true;
            outbound.endWrites(RingBuffer.WriterState.SHUT_DOWN);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Optional<SocketChannel> socketChannel() {
        return Optional.empty();
    }

    @Override
    public Optional<PeerCredentials> peerCredentials() {
        return Optional.empty();
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            inbound.closeReads();
            outbound.endWrites(RingBuffer.WriterState.CLOSED);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
