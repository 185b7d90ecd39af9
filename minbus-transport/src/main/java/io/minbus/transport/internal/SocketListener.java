package io.minbus.transport.internal;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.TransportListener;
import io.minbus.transport.internal.logging.LazyLogger;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link TransportListener} over a bound {@link ServerSocketChannel}, Unix or TCP. */
public final class SocketListener implements TransportListener {

    private static final System.Logger LOG = LazyLogger.of("io.minbus.transport");

    private final ServerSocketChannel channel;
    private final BusAddress address;
    private final Runnable cleanup;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param channel the bound channel
     * @param address the actual address
     * @param cleanup run once after closing, e.g. to remove a socket file
     */
    SocketListener(ServerSocketChannel channel, BusAddress address, Runnable cleanup) {
        this.channel = channel;
        this.address = address;
        this.cleanup = cleanup;
        LOG.log(System.Logger.Level.DEBUG, "listening on {0}", address);
    }

    @Override
    public Transport accept() {
        try {
            SocketChannel accepted = channel.accept();
            if (accepted == null) {
                throw new IllegalStateException(
                        "listener on " + address + " was switched to non-blocking mode; use its channel directly");
            }
            Transport transport = Sockets.wrapAccepted(accepted, address);
            LOG.log(System.Logger.Level.DEBUG, "accepted {0} on {1}", transport.description(), address);
            return transport;
        } catch (ClosedChannelException e) {
            throw new TransportException("the listener on " + address + " is closed", e);
        } catch (IOException e) {
            throw new TransportException("accepting a connection on " + address + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public BusAddress address() {
        return address;
    }

    @Override
    public ServerSocketChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listener on {0} failed: {1}", address, e.toString());
        }
        cleanup.run();
        LOG.log(System.Logger.Level.DEBUG, "stopped listening on {0}", address);
    }

    @Override
    public String toString() {
        return "listener on " + address;
    }
}
