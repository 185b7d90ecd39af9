package io.minbus.transport.internal;

import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import io.minbus.transport.internal.logging.LazyLogger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Transport} over a blocking {@link SocketChannel} (Unix domain or TCP).
 *
 * <p>Reads go straight to the channel; writes are gathering and serialised by a {@link
 * ReentrantLock}. A read blocked when {@link #close()} is called returns -1; a read that fails
 * because somebody else closed the channel (or interrupted the reader, which closes it) throws.
 */
public final class SocketTransport implements Transport {

    private static final System.Logger LOG = LazyLogger.of("io.minbus.transport");

    private final SocketChannel channel;
    private final String description;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean outputShut;

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
                remaining -= channel.write(srcs);
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
        return Optional.of(channel);
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
    }

    @Override
    public String toString() {
        return description;
    }

    private void checkBlocking() {
        if (!channel.isBlocking()) {
            throw new IllegalStateException(
                    description + ": the socket channel was switched to non-blocking mode;"
                            + " use the channel directly instead of this transport");
        }
    }
}
