package io.minbus.bench.peers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Java NIO limit's relay, in the two designs DESIGN.md compares.
 *
 * <ul>
 *   <li>{@code threads}: blocking channels, one platform thread per direction (pooled, each with its
 *       own direct buffer); EOF is passed on as {@code shutdownOutput}.</li>
 *   <li>{@code selector}: one thread, one {@link Selector}, non-blocking channels; the same state
 *       machine as the C relay: read into the direction's buffer only when it is empty, stop reading a
 *       source while its bytes wait for the destination (bounded memory, back-pressure).</li>
 * </ul>
 *
 * <p>Usage: {@code NioRelay threads|selector LISTEN TARGET}
 */
public final class NioRelay {

    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(Sockets.BUFFER));

    private NioRelay() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !(args[0].equals("threads") || args[0].equals("selector"))) {
            System.err.println("usage: NioRelay threads|selector LISTEN TARGET");
            System.exit(2);
        }
        if (args[0].equals("threads")) {
            threads(args[1], args[2]);
        } else {
            new SelectorRelay().run(args[1], args[2]);
        }
    }

    // ------------------------------------------------------------------ thread per direction

    private static void threads(String listen, String target) throws IOException {
        ExecutorService pool = Executors.newCachedThreadPool();
        try (ServerSocketChannel server = Sockets.listen(listen)) {
            Sockets.ready();
            for (;;) {
                SocketChannel a = server.accept();
                SocketChannel b;
                try {
                    b = Sockets.connect(target);
                } catch (IOException e) {
                    System.err.println("relay: cannot connect to " + target + ": " + e);
                    a.close();
                    continue;
                }
                AtomicInteger open = new AtomicInteger(2);
                pool.execute(() -> copy(a, b, open));
                pool.execute(() -> copy(b, a, open));
            }
        }
    }

    private static void copy(SocketChannel from, SocketChannel to, AtomicInteger open) {
        ByteBuffer buf = BUFFER.get();
        try {
            for (;;) {
                buf.clear();
                if (from.read(buf) < 0) {
                    to.shutdownOutput();
                    break;
                }
                buf.flip();
                Sockets.writeFully(to, buf);
            }
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
        if (open.decrementAndGet() == 0) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    // ------------------------------------------------------------------ one selector

    private static final class Direction {
        private ByteBuffer buf; // allocated on first use; empty when !hasRemaining()
        private boolean eof;
        private boolean done;

        boolean pending() {
            return buf != null && buf.hasRemaining();
        }
    }

    private static final class Pair {
        final SocketChannel a;
        final SocketChannel b;
        final Direction ab = new Direction();
        final Direction ba = new Direction();
        SelectionKey ka;
        SelectionKey kb;

        Pair(SocketChannel a, SocketChannel b) {
            this.a = a;
            this.b = b;
        }
    }

    private record End(Pair pair, boolean isA) { }

    private static final class SelectorRelay {
        // One shared read buffer would need a copy on every partial write; a buffer per direction,
        // allocated lazily, keeps the state machine identical to the C relay.
        private final java.util.ArrayDeque<ByteBuffer> spare = new java.util.ArrayDeque<>();

        void run(String listen, String target) throws IOException {
            Selector selector = Selector.open();
            ServerSocketChannel server = Sockets.listen(listen);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            Sockets.ready();
            for (;;) {
                selector.select();
                var it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.attachment() == null) {
                        accept(server, target, selector);
                        continue;
                    }
                    End end = (End) key.attachment();
                    Pair p = end.pair();
                    try {
                        handle(p, end.isA(), key.readyOps());
                        if (p.ab.done && p.ba.done) {
                            close(p);
                        } else {
                            update(p);
                        }
                    } catch (IOException e) {
                        close(p);
                    }
                }
            }
        }

        private void accept(ServerSocketChannel server, String target, Selector selector) throws IOException {
            for (SocketChannel a; (a = server.accept()) != null; ) {
                SocketChannel b;
                try {
                    b = Sockets.connect(target);
                } catch (IOException e) {
                    System.err.println("relay: cannot connect to " + target + ": " + e);
                    a.close();
                    continue;
                }
                a.configureBlocking(false);
                b.configureBlocking(false);
                Pair p = new Pair(a, b);
                p.ka = a.register(selector, SelectionKey.OP_READ, new End(p, true));
                p.kb = b.register(selector, SelectionKey.OP_READ, new End(p, false));
            }
        }

        private void handle(Pair p, boolean isA, int ops) throws IOException {
            SocketChannel self = isA ? p.a : p.b;
            SocketChannel other = isA ? p.b : p.a;
            Direction out = isA ? p.ab : p.ba; // bytes read from self
            Direction in = isA ? p.ba : p.ab;  // bytes written to self
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                flush(self, in);
            }
            if ((ops & SelectionKey.OP_READ) != 0 && !out.eof && !out.pending()) {
                if (out.buf == null) {
                    out.buf = spare.isEmpty() ? ByteBuffer.allocateDirect(Sockets.BUFFER) : spare.pop();
                }
                out.buf.clear();
                if (self.read(out.buf) < 0) {
                    out.eof = true;
                }
                out.buf.flip();
                flush(other, out);
            }
        }

        private static void flush(SocketChannel to, Direction d) throws IOException {
            if (d.pending()) {
                to.write(d.buf);
            }
            if (!d.pending() && d.eof && !d.done) {
                to.shutdownOutput();
                d.done = true;
            }
        }

        private static void update(Pair p) {
            int wa = (!p.ab.eof && !p.ab.pending() ? SelectionKey.OP_READ : 0) | (p.ba.pending() ? SelectionKey.OP_WRITE : 0);
            int wb = (!p.ba.eof && !p.ba.pending() ? SelectionKey.OP_READ : 0) | (p.ab.pending() ? SelectionKey.OP_WRITE : 0);
            if (p.ka.interestOps() != wa) {
                p.ka.interestOps(wa);
            }
            if (p.kb.interestOps() != wb) {
                p.kb.interestOps(wb);
            }
        }

        private void close(Pair p) {
            p.ka.cancel();
            p.kb.cancel();
            closeQuietly(p.a);
            closeQuietly(p.b);
            for (Direction d : new Direction[] {p.ab, p.ba}) {
                if (d.buf != null) {
                    spare.push(d.buf);
                    d.buf = null;
                }
            }
        }
    }
}
