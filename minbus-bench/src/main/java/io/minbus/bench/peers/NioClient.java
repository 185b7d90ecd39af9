package io.minbus.bench.peers;

import io.minbus.bench.harness.DriverCommand;
import io.minbus.bench.harness.LatencyHistogram;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.harness.Workload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java NIO limit's driver, the mirror of {@code uds_bench client}: one channel runs a blocking
 * loop on the main thread; several channels run on one {@link Selector}, each with one round trip
 * outstanding. Bulk writes {@code size}-byte messages on one blocking channel until the deadline,
 * then half-closes and waits for the sink's byte count.
 *
 * <p>Usage: {@code NioClient SOCKET} (then the driver protocol on stdin)
 */
public final class NioClient {

    private final String path;
    private final LatencyHistogram hist = new LatencyHistogram();

    private NioClient(String path) {
        this.path = path;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: NioClient SOCKET");
            System.exit(2);
        }
        NioClient c = new NioClient(args[0]);
        DriverLoop.run(c::run);
    }

    private RoundResult run(DriverCommand c) throws IOException {
        hist.reset();
        DriverLoop.Deadlines d = DriverLoop.Deadlines.of(c);
        if (c.workload() == Workload.ROUND_TRIP) {
            return c.concurrency() == 1 ? rttSingle(c.size(), d) : rttMany(c.concurrency(), c.size(), d);
        }
        if (c.workload() == Workload.BULK) {
            if (c.warmupMillis() > 0) {
                bulk(c.size(), d.warmEnd());
            }
            long t0 = System.nanoTime();
            long bytes = bulk(c.size(), t0 + c.durationMillis() * 1_000_000);
            return new RoundResult(bytes / c.size(), System.nanoTime() - t0, bytes, new LatencyHistogram());
        }
        throw new IllegalArgumentException("unsupported workload " + c.workload());
    }

    private RoundResult rttSingle(int size, DriverLoop.Deadlines d) throws IOException {
        try (SocketChannel ch = Sockets.connect(path)) {
            Sockets.writeFully(ch, ByteBuffer.wrap(new byte[] {Sockets.ECHO}));
            ByteBuffer out = ByteBuffer.allocateDirect(size);
            ByteBuffer in = ByteBuffer.allocateDirect(size);
            long count = 0;
            long first = 0;
            long last = 0;
            for (;;) {
                long t0 = System.nanoTime();
                if (t0 >= d.end()) {
                    break;
                }
                out.clear();
                Sockets.writeFully(ch, out);
                in.clear();
                Sockets.readFully(ch, in);
                long t1 = System.nanoTime();
                if (t0 >= d.warmEnd()) {
                    if (count == 0) {
                        first = t0;
                    }
                    hist.record(t1 - t0);
                    count++;
                    last = t1;
                }
            }
            return new RoundResult(count, last - first, count * 2 * size, hist);
        }
    }

    private static final class Lane {
        final SocketChannel ch;
        final ByteBuffer in;
        long sentAt;

        Lane(SocketChannel ch, int size) {
            this.ch = ch;
            this.in = ByteBuffer.allocateDirect(size);
        }
    }

    private RoundResult rttMany(int n, int size, DriverLoop.Deadlines d) throws IOException {
        List<Lane> lanes = new ArrayList<>(n);
        ByteBuffer out = ByteBuffer.allocateDirect(size);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = Sockets.connect(path);
                Lane lane = new Lane(ch, size);
                lanes.add(lane);
                Sockets.writeFully(ch, ByteBuffer.wrap(new byte[] {Sockets.ECHO}));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, lane);
            }
            for (Lane lane : lanes) {
                lane.sentAt = System.nanoTime();
                send(lane, out);
            }
            long count = 0;
            long first = Long.MAX_VALUE;
            long last = 0;
            int active = n;
            while (active > 0) {
                if (selector.select(5000) == 0) {
                    throw new IOException("no reply for 5 s with " + active + " channels waiting");
                }
                var it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Lane l = (Lane) key.attachment();
                    if (l.ch.read(l.in) < 0) {
                        throw new IOException("server closed a channel");
                    }
                    if (l.in.hasRemaining()) {
                        continue;
                    }
                    l.in.clear();
                    long t = System.nanoTime();
                    if (l.sentAt >= d.warmEnd()) {
                        hist.record(t - l.sentAt);
                        count++;
                        first = Math.min(first, l.sentAt);
                        last = t;
                    }
                    if (t >= d.end()) {
                        key.cancel();
                        active--;
                        continue;
                    }
                    l.sentAt = t;
                    send(l, out);
                }
            }
            return new RoundResult(count, count == 0 ? 0 : last - first, count * 2 * size, hist);
        } finally {
            for (Lane l : lanes) {
                l.ch.close();
            }
        }
    }

    private static void send(Lane l, ByteBuffer out) throws IOException {
        out.clear();
        if (l.ch.write(out) != out.limit()) { // a small message into an empty socket buffer: never short
            throw new IOException("short write of a " + out.limit() + "-byte message");
        }
    }

    /** Returns the bytes the sink confirmed. */
    private long bulk(int size, long end) throws IOException {
        try (SocketChannel ch = Sockets.connect(path)) {
            Sockets.writeFully(ch, ByteBuffer.wrap(new byte[] {Sockets.SINK}));
            ByteBuffer buf = ByteBuffer.allocateDirect(size);
            long sent = 0;
            while (System.nanoTime() < end) {
                buf.clear();
                Sockets.writeFully(ch, buf);
                sent += size;
            }
            ch.shutdownOutput();
            ByteBuffer answer = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            Sockets.readFully(ch, answer);
            long confirmed = answer.getLong(0);
            if (confirmed != sent) {
                throw new IOException("sink confirmed " + confirmed + " of " + sent + " bytes");
            }
            return confirmed;
        }
    }
}
