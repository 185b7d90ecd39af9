package io.minbus.bench.peers;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small blocking-I/O helpers of the NIO peers. */
final class Sockets {

    /** First byte of a connection: echo every byte back. */
    static final byte ECHO = 'E';
    /** First byte of a connection: count bytes until EOF, answer with the 8-byte count. */
    static final byte SINK = 'S';
    static final int BUFFER = 128 * 1024;

    private Sockets() {
    }

    static ServerSocketChannel listen(String path) throws IOException {
        Path p = Path.of(path);
        Files.deleteIfExists(p);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(p), 4096);
        return server;
    }

    static SocketChannel connect(String path) throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(path));
    }

    static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static void readFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("peer closed the connection");
            }
        }
    }

    /**
     * Prints {@code ready}, and exits when stdin, if it is a pipe, ends: the harness holds it open,
     * so EOF means the harness is gone (even after kill -9) and a server must not linger. Started
     * by hand (stdin a terminal or /dev/null), a server runs until killed.
     */
    static void ready() {
        System.out.println("ready");
        System.out.flush();
        try {
            if (!Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString().startsWith("pipe:")) {
                return;
            }
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the harness sends nothing to servers; "quit" or anything else is ignored
                }
            } catch (java.io.IOException e) {
                // stdin broken: same as EOF
            }
            System.exit(0);
        }, "stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
