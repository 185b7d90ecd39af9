package io.minbus.transport;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * A reliable, ordered, bidirectional byte stream between two endpoints.
 *
 * <p>Thread-safety: one reader thread and any number of writers (writes are serialised by a lock)
 * may use it concurrently. Each {@link #write} call is atomic with respect to other writes: its
 * bytes are never interleaved with those of another call. All methods may be called from virtual
 * threads; none of them holds a monitor while blocking.
 *
 * <p>End of stream: {@link #read} returns -1 once the peer has called {@link #shutdownOutput} or
 * {@link #close} and every byte it wrote before has been read, and also once this transport has
 * been closed.
 */
public interface Transport extends AutoCloseable {

    /**
     * Blocks until at least one byte is read into {@code dst}; returns the count, or -1 at end of
     * stream. Returns 0 at once if {@code dst} has no space remaining.
     *
     * <p>After {@link #close()}, a blocked or later read returns -1 promptly. If the underlying
     * channel is closed by someone else (for example through {@link #socketChannel()}, or because
     * the reading thread was interrupted), the read throws {@link TransportException} instead.
     *
     * @throws TransportException on I/O failure, for example when the peer reset the connection
     */
    int read(ByteBuffer dst);

    /**
     * Writes all remaining bytes of all buffers (gathering, in order), blocking as needed until
     * the peer has made room. Advances each buffer's position to its limit.
     *
     * @throws TransportException if this transport is closed, its output was shut down, or the
     *     peer is gone (a write after the peer closed fails, possibly only after a few writes have
     *     been accepted by the operating system)
     */
    void write(ByteBuffer... srcs);

    /**
     * Half-close: the peer's read sees end of stream after the bytes already written; reading
     * stays possible. Waits for a write in progress to finish. Idempotent; does nothing once
     * closed.
     */
    void shutdownOutput();

    /**
     * Where this transport leads, for logs and messages, e.g. {@code "unix:/path/bus.sock"},
     * {@code "net:127.0.0.1:40123"}, {@code "pipe:stdio"}, {@code "memory:3"}.
     */
    String description();

    /**
     * The socket channel behind a Unix or TCP transport, for selector-driven servers. The caller
     * may switch it to non-blocking mode, after which {@link #read} and {@link #write} of this
     * transport must not be used. Empty for pipes and in-memory transports, and once {@link
     * #startPolling} made the channel the transport's own.
     */
    Optional<SocketChannel> socketChannel();

    /**
     * For Unix domain sockets: the user and group of the peer process, as reported by the kernel
     * ({@code SO_PEERCRED}); empty for other transports, or when the platform cannot tell.
     */
    Optional<PeerCredentials> peerCredentials();

    /**
     * Switches this transport to polled reads if it can, so that whichever thread waits for input
     * can do the read itself ({@code Session}'s leader/follower reads): afterwards {@link #poll}
     * reads with a time limit and {@link #wakeup} ends a poll early. {@link #read} and {@link #write}
     * keep working; {@link #socketChannel()} is empty from then on. Unix and TCP sockets can (their
     * channel becomes non-blocking); pipes, in-memory and secure transports cannot. Call it before
     * any read is in progress; idempotent.
     *
     * @return whether reads are polled now
     */
    default boolean startPolling() {
        return false;
    }

    /**
     * After {@link #startPolling}: reads what is there into {@code dst}, waiting at most {@code
     * timeoutNanos} ({@link Long#MAX_VALUE} for no limit) for at least one byte. One thread at a
     * time may poll.
     *
     * @return the count; 0 if nothing came in time, {@link #wakeup} was called or the polling thread
     *     was interrupted (its interrupt status stays set, and the transport stays usable); -1 at end
     *     of stream or once closed
     * @throws TransportException on I/O failure
     * @throws UnsupportedOperationException if polling is not on
     */
    default int poll(ByteBuffer dst, long timeoutNanos) {
        throw new UnsupportedOperationException(description() + ": reads are not polled (startPolling)");
    }

    /** Makes a {@link #poll} in progress, or the next one, return at once. Does nothing if polling is not on. */
    default void wakeup() {}

    /** Whether this transport has not been closed (by {@link #close()} or underneath it). */
    boolean isOpen();

    /**
     * Closes both directions. Idempotent; unblocks a blocked reader, whose read returns -1. The
     * peer reads the bytes written before, then end of stream; its later writes fail.
     */
    @Override
    void close();
}
