package io.minbus.server.internal;

import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The plugin's end of an in-process connection to the server ({@code MinBusServer.connectInMemory()}):
 * two NIO pipes in blocking mode, no socket file. Reads go to one pipe, gathering writes (serialised
 * by a {@link ReentrantLock}) to the other. Closing makes a blocked read return -1.
 */
public final class PipeTransport implements Transport {
    private final Pipe.SourceChannel in;
    private final Pipe.SinkChannel out;
    private final String description;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    PipeTransport(Pipe.SourceChannel in, Pipe.SinkChannel out, String description) {
        this.in = in;
        this.out = out;
        this.description = description;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (!dst.hasRemaining()) {
            return 0;
        }
        try {
            return in.read(dst);
        } catch (IOException e) {
            if (closed.get()) {
                return -1;
            }
            throw new TransportException("reading from " + description + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(ByteBuffer... srcs) {
        writeLock.lock();
        try {
            while (remaining(srcs)) {
                out.write(srcs);
            }
        } catch (IOException e) {
            throw new TransportException("writing to " + description + " failed: " + e.getMessage()
                    + (closed.get() ? " (the transport is closed)" : " (the server closed the connection)"), e);
        } finally {
            writeLock.unlock();
        }
    }

    private static boolean remaining(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void shutdownOutput() {
        writeLock.lock();
        try {
            out.close();
        } catch (IOException e) {
            // already gone: the peer sees end of stream either way
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
        return !closed.get() && in.isOpen();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            // nothing left to do
        }
        try {
            out.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public String toString() {
        return "PipeTransport[" + description + "]";
    }
}
