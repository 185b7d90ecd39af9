package io.minbus.transport;

import java.nio.channels.ServerSocketChannel;

/** A bound server socket that hands out one {@link Transport} per incoming connection. */
public interface TransportListener extends AutoCloseable {

    /**
     * Blocks until a peer connects, and returns the connection.
     *
     * @throws TransportException if this listener is or gets closed, or accepting fails
     */
    Transport accept();

    /** The actual address, with a TCP port 0 replaced by the bound port. */
    BusAddress address();

    /**
     * The server socket channel, for selector-driven servers; they may switch it to non-blocking
     * mode, after which {@link #accept()} must not be used. Wrap accepted channels with {@link
     * Transports#wrap}.
     */
    ServerSocketChannel channel();

    /**
     * Stops listening. Idempotent. For Unix sockets, removes the socket file this listener
     * created (unless another listener has replaced it since).
     */
    @Override
    void close();
}
