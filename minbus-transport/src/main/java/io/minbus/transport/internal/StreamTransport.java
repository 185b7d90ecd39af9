package io.minbus.transport.internal;

import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.internal.logging.LazyLogger;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Transport} over an {@link InputStream} and an {@link OutputStream}: pipes to a child
 * process, this process's stdio, or inherited file descriptors.
 *
 * <p>Why a reader thread: a read blocked in an {@code InputStream} (or in a {@link FileChannel}
 * read by a virtual thread) cannot be unblocked by closing it. So a daemon platform thread, the
 * pump, reads the stream into a bounded {@link RingBuffer} (64 KiB), and {@link #read} takes from
 * there; {@link #close()} then wakes a blocked reader at once. For a plain {@link
 * FileInputStream} the pump reads through its channel, so closing also stops the pump promptly;
 * for other streams the pump ends at the stream's next byte or end of stream.
 *
 * <p>Writes go straight to the output stream, flushed after each call. A writer blocked on a full
 * pipe stays blocked until the peer reads or goes away; close the output then happens when it
 * returns.
 */
public final class StreamTransport implements Transport {

    private static final System.Logger LOG = LazyLogger.of("io.minbus.transport");
    private static final int RING_BYTES = 64 * 1024;
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int SCRATCH_BYTES = 8 * 1024;

    private final String description;
    private final RingBuffer inbound;
    private final InputStream in;
    private final Optional<FileChannel> inChannel;
    private final OutputStream out;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final byte[] scratch = new byte[SCRATCH_BYTES]; // guarded by writeLock
    private boolean outputShut; // guarded by writeLock

    private StreamTransport(InputStream in, OutputStream out, String description) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.description = Objects.requireNonNull(description, "description");
        this.inbound = new RingBuffer(RING_BYTES, description);
        this.inChannel = in.getClass() == FileInputStream.class
                ? Optional.of(((FileInputStream) in).getChannel())
                : Optional.empty();
    }

    /** Starts a transport and its pump thread; the transport owns both streams from now on. */
    public static StreamTransport start(InputStream in, OutputStream out, String description) {
        StreamTransport transport = new StreamTransport(in, out, description);
        Thread.ofPlatform().daemon().name("minbus-pipe-reader " + description).start(transport::pump);
        return transport;
    }

    private void pump() {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        try {
            while (true) {
                chunk.clear();
                int n = inChannel.isPresent() ? inChannel.get().read(chunk) : in.read(chunk.array());
                if (n < 0) {
                    inbound.endWrites(RingBuffer.WriterState.CLOSED);
                    return;
                }
                chunk.limit(n).position(0);
                inbound.write(chunk);
            }
        } catch (TransportException e) {
            // this transport was closed while the pump waited for room: nothing to deliver to
        } catch (IOException e) {
            if (!closed.get()) {
                inbound.fail(e);
            }
        } finally {
            LOG.log(System.Logger.Level.DEBUG, "{0}: reader thread done", description);
        }
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
                copy(src);
            }
            out.flush();
        } catch (IOException e) {
            throw closed.get() ? Failures.closed(description) : Failures.writeFailed(description, e);
        } finally {
            writeLock.unlock();
            closeOutputIfClosed();
        }
    }

    private void copy(ByteBuffer src) throws IOException {
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
            return;
        }
        while (src.hasRemaining()) {
            int n = Math.min(scratch.length, src.remaining());
            src.get(scratch, 0, n);
            out.write(scratch, 0, n);
        }
    }

    @Override
    public void shutdownOutput() {
        writeLock.lock();
        try {
            if (outputShut || closed.get()) {
                return;
            }
            outputShut = true;
            out.close();
        } catch (IOException e) {
            throw Failures.writeFailed(description, e);
        } finally {
            writeLock.unlock();
            closeOutputIfClosed();
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
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        inbound.closeReads();
        closeQuietly(inChannel.isPresent() ? inChannel.get() : in);
        closeOutputIfClosed();
    }

    /**
     * Closes the output unless a writer holds the lock; that writer then calls this again after
     * unlocking, so the output is closed once the last writer has returned.
     */
    private void closeOutputIfClosed() {
        if (closed.get() && writeLock.tryLock()) {
            try {
                closeQuietly(out);
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: close failed: {1}", description, e.toString());
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
