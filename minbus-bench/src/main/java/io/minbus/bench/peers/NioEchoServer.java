package io.minbus.bench.peers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Java NIO limit's server: blocking {@code SocketChannel}s, one platform thread per connection
 * (threads are pooled, each with its own direct buffer, so a 1,000-channel round costs no
 * allocation). Same connection protocol as {@code uds_bench echo}: 'E' echoes, 'S' sinks.
 *
 * <p>Usage: {@code NioEchoServer SOCKET}
 */
public final class NioEchoServer {

    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(Sockets.BUFFER));

    private NioEchoServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: NioEchoServer SOCKET");
            System.exit(2);
        }
        ExecutorService threads = Executors.newCachedThreadPool();
        try (ServerSocketChannel server = Sockets.listen(args[0])) {
            Sockets.ready();
            for (;;) {
                SocketChannel ch = server.accept();
                threads.execute(() -> serve(ch));
            }
        }
    }

    private static void serve(SocketChannel ch) {
        ByteBuffer buf = BUFFER.get();
        try (ch) {
            buf.clear();
            if (ch.read(buf) < 0) {
                return;
            }
            buf.flip();
            byte mode = buf.get();
            if (mode == Sockets.SINK) {
                long count = buf.remaining();
                for (int n; ; ) {
                    buf.clear();
                    n = ch.read(buf);
                    if (n < 0) {
                        break;
                    }
                    count += n;
                }
                ByteBuffer answer = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, count);
                Sockets.writeFully(ch, answer);
                return;
            }
            for (;;) {
                Sockets.writeFully(ch, buf);
                buf.clear();
                if (ch.read(buf) < 0) {
                    return;
                }
                buf.flip();
            }
        } catch (IOException e) {
            // the client went away: normal at the end of a round
        }
    }
}
