package io.minbus.transport.internal;

import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import io.minbus.transport.internal.logging.LazyLogger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Transport} over a {@link SocketChannel} (Unix domain or TCP), blocking until {@link
 * #startPolling()} makes it non-blocking with a selector for reads (and one for writes that must
 * wait for room, made when first needed).
 *
 * <p>Reads go straight to the channel; writes are gathering and serialised by a {@link
 * ReentrantLock}. A read blocked when {@link #close()} is called returns -1; a blocking read that
 * fails because somebody else closed the channel (or interrupted the reader, which closes a
 * blocking channel) throws. Once polled, an interrupt no longer closes the channel.
 */
public final class SocketTransport implements Transport {

    private static final System.Logger LOG = LazyLogger.of("io.minbus.transport");

    private final SocketChannel channel;
    private final String description;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean outputShut;
    /** Set once by {@link #startPolling}; the channel is non-blocking from then on. */
    private volatile boolean polled;
    /** The selector a poll waits on (one polling thread at a time); set with {@link #polled}. */
    private Selector readSelector;
    /** The selector a write waits on for room, made on first need; guarded by {@link #writeLock}. */
    private volatile Selector writeSelector;

    /**
     * Wraps a connected channel in blocking mode.
     *
     * @throws IllegalArgumentException if the channel is non-blocking or not connected
     */
    public SocketTransport(SocketChannel channel, String description) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.description = Objects.requireNonNull(description, "description");
        if (!channel.isBlocking()) {
            throw new IllegalArgumentException(description + ": the channel must be in blocking mode");
        }
        if (!channel.isConnected()) {
            throw new IllegalArgumentException(description + ": the channel is not connected");
        }
    }

    @Override
    public int read(ByteBuffer dst) {
        if (polled) {
            int n;
            while ((n = poll(dst, Long.MAX_VALUE)) == 0 && dst.hasRemaining()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw Failures.interrupted(description, "read from");
                }
            }
            return n;
        }
        checkBlocking();
        try {
            return channel.read(dst);
        } catch (ClosedChannelException e) {
            if (closed.get()) {
                return -1;
            }
            throw Failures.closedUnderneath(description, "read from", e);
        } catch (IOException e) {
            if (closed.get()) {
                return -1;
            }
            throw Failures.readFailed(description, e);
        }
    }

    @Override
    public void write(ByteBuffer... srcs) {
        long remaining = 0;
        for (ByteBuffer src : srcs) {
            remaining += src.remaining();
        }
        writeLock.lock();
        try {
            if (closed.get()) {
                throw Failures.closed(description);
            }
            if (outputShut) {
                throw Failures.outputShutDown(description);
            }
            checkBlocking();
            while (remaining > 0) {
                long n = channel.write(srcs);
                remaining -= n;
                if (n == 0 && remaining > 0) {
                    awaitRoom(); // only once polled: a blocking channel's write waits in the kernel
                }
            }
        } catch (ClosedChannelException e) {
            if (closed.get()) {
                throw Failures.closed(description);
            }
            throw Failures.closedUnderneath(description, "write to", e);
        } catch (IOException e) {
            throw Failures.writeFailed(description, e);
        } finally {
            writeLock.unlock();
        }
    }

    /** A polled channel's write found no room: waits until the socket takes more (write lock held). */
    private void awaitRoom() throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw Failures.interrupted(description, "write to");
        }
        Selector selector = writeSelector;
        if (selector == null) {
            selector = Selector.open();
            writeSelector = selector;
            if (closed.get()) { // close() may have looked before the selector was there
                closeQuietly(selector);
                throw new ClosedChannelException();
            }
            channel.register(selector, SelectionKey.OP_WRITE);
        }
        try {
            selector.select();
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw new ClosedChannelException();
        }
        if (closed.get()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public boolean startPolling() {
        writeLock.lock();
        try {
            if (polled) {
                return true;
            }
            if (closed.get() || !channel.isOpen()) {
                return false;
            }
            Selector selector = Selector.open();
            try {
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ);
            } catch (IOException | RuntimeException e) {
                selector.close();
                throw e;
            }
            readSelector = selector;
            polled = true;
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: reads stay blocking, polling could not start: {1}",
                    description, e.toString());
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public int poll(ByteBuffer dst, long timeoutNanos) {
        if (!polled) {
            throw new UnsupportedOperationException(description + ": reads are not polled (startPolling)");
        }
        try {
            int n = channel.read(dst);
            if (n != 0 || !dst.hasRemaining() || timeoutNanos <= 0) {
                return n;
            }
            long millis = timeoutNanos == Long.MAX_VALUE ? 0 : Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
            readSelector.select(millis);
            readSelector.selectedKeys().clear();
            return channel.read(dst);
        } catch (ClosedChannelException | ClosedSelectorException e) {
            if (closed.get()) {
                return -1;
            }
            throw Failures.closedUnderneath(description, "read from",
                    e instanceof IOException io ? io : new ClosedChannelException());
        } catch (IOException e) {
            if (closed.get()) {
                return -1;
            }
            throw Failures.readFailed(description, e);
        }
    }

    @Override
    public void wakeup() {
        if (polled) {
            readSelector.wakeup();
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
            channel.shutdownOutput();
        } catch (ClosedChannelException e) {
            // closed underneath: nothing left to shut down
        } catch (IOException e) {
            throw Failures.writeFailed(description, e);
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
        // once polled the channel is this transport's own: a close underneath would not wake a poll
        return polled ? Optional.empty() : Optional.of(channel);
    }

    @Override
    public Optional<PeerCredentials> peerCredentials() {
        return PeerCredentialsReader.read(channel);
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && channel.isOpen();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing {0} failed: {1}", description, e.toString());
        }
        if (polled) {
            // a channel registered with a selector is really closed once its keys are gone
            closeQuietly(readSelector);
            Selector w = writeSelector; // racy read: a write that makes one later finds the channel closed
            if (w != null) {
                closeQuietly(w);
            }
        }
    }

    private void closeQuietly(Selector selector) {
        try {
            selector.close(); // wakes a thread selecting on it
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a selector of {0} failed: {1}", description, e.toString());
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private void checkBlocking() {
        if (!polled && !channel.isBlocking()) {
            throw new IllegalStateException(
                    description + ": the socket channel was switched to non-blocking mode;"
                            + " use the channel directly instead of this transport");
        }
    }
}
