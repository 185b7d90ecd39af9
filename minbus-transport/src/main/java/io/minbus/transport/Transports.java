package io.minbus.transport;

import io.minbus.transport.internal.MemoryTransport;
import io.minbus.transport.internal.Sockets;
import io.minbus.transport.internal.StreamTransport;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;

/** Creates {@link Transport}s and {@link TransportListener}s. */
public final class Transports {

    private Transports() {}

    /**
     * Connects to a bus: a Unix domain socket, or TCP with {@code TCP_NODELAY} on.
     *
     * @throws TransportException if nobody answers, saying why and what to do; for a TCP address
     *     with {@code ~shs}, because the secret handshake is not supported yet
     */
    public static Transport connect(BusAddress address) {
        return Sockets.connect(address);
    }

    /**
     * Listens on an address. Unix: creates missing parent directories with mode 0700; if the
     * socket file exists but nobody answers on it, it is stale and gets replaced; if somebody
     * answers, fails with "address in use". TCP: binds with {@code SO_REUSEADDR}; port 0 picks a
     * free port, which {@link TransportListener#address()} reports.
     *
     * @throws TransportException if the address cannot be bound
     */
    public static TransportListener listen(BusAddress address) {
        return Sockets.listen(address);
    }

    /**
     * A transport reading {@code in} and writing {@code out}, for example a child process's
     * stdout and stdin. It owns both streams and closes them on {@link Transport#close()}; {@link
     * Transport#shutdownOutput()} closes {@code out}. A daemon thread reads {@code in} ahead into
     * a 64 KiB buffer, so that closing the transport always unblocks its reader.
     *
     * @param description for logs, e.g. {@code "pipe:kv-plugin"}
     */
    public static Transport pipes(InputStream in, OutputStream out, String description) {
        return StreamTransport.start(in, out, description);
    }

    /**
     * This process's raw standard input and output (file descriptors 0 and 1, unbuffered),
     * described as {@code pipe:stdio}. Nothing else may then use {@link System#in} or {@link
     * System#out}; log to standard error. Closing it leaves descriptors 0 and 1 pointing to
     * {@code /dev/null}.
     */
    public static Transport stdio() {
        return StreamTransport.start(
                new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out), "pipe:stdio");
    }

    /**
     * A transport over two inherited file descriptors, such as pipes or FIFOs (Linux only, through
     * {@code /proc/self/fd}; not sockets). It opens its own descriptors on the same pipes:
     * closing it closes those, not {@code readFd} and {@code writeFd}, so the peer sees end of
     * stream once every other copy of {@code writeFd} is closed too (at the latest when this
     * process exits). Opening blocks while a pipe has no process at its other end.
     *
     * @throws TransportException if a descriptor is not open in this process or cannot be opened
     */
    public static Transport fileDescriptors(int readFd, int writeFd) {
        String description = "pipe:fd:" + readFd + "," + writeFd;
        FileInputStream in = null;
        try {
            in = new FileInputStream(procFd(readFd));
            FileOutputStream out = new FileOutputStream(procFd(writeFd), true);
            return StreamTransport.start(in, out, description);
        } catch (FileNotFoundException e) {
            closeQuietly(in);
            throw new TransportException("cannot open " + description + ": " + e.getMessage()
                    + " (is the descriptor open in this process, and is this Linux?)", e);
        }
    }

    private static File procFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("a file descriptor is not negative: " + fd);
        }
        return new File("/proc/self/fd/" + fd);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (java.io.IOException e) {
                // nothing left to do
            }
        }
    }

    /**
     * Two connected in-memory transports, each direction buffering at most {@code bufferBytes}
     * (writes block while it is full). End of stream, half-close and close behave as for
     * sockets. Both ends are described as {@code memory:N}.
     *
     * @throws IllegalArgumentException if {@code bufferBytes} is less than 1
     */
    public static Transport[] inMemoryPair(int bufferBytes) {
        return MemoryTransport.pair(bufferBytes);
    }

    /**
     * Wraps a connected socket channel in blocking mode, for servers that accept connections
     * themselves.
     *
     * @throws IllegalArgumentException if the channel is non-blocking or not connected
     */
    public static Transport wrap(SocketChannel blockingChannel, String description) {
        return Sockets.wrap(blockingChannel, description);
    }
}
