package io.minbus.bench.minbus;

import io.minbus.bench.harness.DriverCommand;
import io.minbus.bench.harness.LatencyHistogram;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.harness.Workload;
import io.minbus.bench.peers.DriverLoop;
import io.minbus.client.Channel;
import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.transport.BusAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plugin A of the relayed scenarios, a driver (the {@link DriverCommand} protocol): registered as
 * {@code driver} on <em>one</em> bus connection, it opens a channel (a relayed duplex) to {@code
 * echo-i} for each of the N channels of a round trip probe, and one to {@code sink} for bulk and
 * one-way messages; channels stay open between rounds.
 *
 * <ul>
 * <li>{@code rtt N 64}: each channel has one 64-byte message out at a time and waits for its echo;
 *     one channel runs on the main (platform) thread, N channels on N virtual threads (the SDK's
 *     blocking API is meant for them; {@code --platform} uses platform threads);
 * <li>{@code bulk 1 65536}: 64 KiB messages to {@code sink} with {@link Channel#send} (it waits for
 *     credit: back-pressure only) until the deadline, then an empty message; the time ends when the
 *     sink's count arrives, which must match. The result carries the server's {@code
 *     relay_direction_buffered_max}, {@code relay_buffer}, {@code relay_buffer_max} and {@code relay_growths}
 *     (from the bus process's side socket);
 * <li>{@code oneway 1 64}: the same with 64-byte messages sent with {@link Channel#write} (coalesced:
 *     many messages per system call), counted as messages per second.
 * </ul>
 *
 * <p>With {@code --direct}, every channel is a direct one ({@link io.minbus.client.Route#DIRECT},
 * docs/minbus.md §19): the bus only introduces A to each plugin, and the messages skip it.
 *
 * <p>Usage: {@code RelayDriver BUS_SOCKET STATS_SOCKET [--platform] [--direct]}
 */
public final class RelayDriver {

    private final Plugin me;
    private final Path stats;
    private final boolean platform;
    private final io.minbus.client.Route route;
    private final List<Channel> echoes = new ArrayList<>();
    private Channel sink;

    private RelayDriver(Plugin me, Path stats, boolean platform, boolean direct) {
        this.me = me;
        this.stats = stats;
        this.platform = platform;
        this.route = direct ? io.minbus.client.Route.DIRECT : io.minbus.client.Route.RELAYED;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: RelayDriver BUS_SOCKET STATS_SOCKET [--platform]");
            System.exit(2);
        }
        MinBus bus = MinBus.connect(new BusAddress.Unix(Path.of(args[0])));
        List<String> flags = List.of(args).subList(2, args.length);
        RelayDriver d = new RelayDriver(bus.register("driver", 1), Path.of(args[1]), flags.contains("--platform"),
                flags.contains("--direct"));
        DriverLoop.run(d::run);
        bus.close();
    }

    private RoundResult run(DriverCommand c) throws Exception {
        return switch (c.workload()) {
            case ROUND_TRIP -> roundTrips(c);
            case BULK, ONE_WAY -> oneWay(c);
            default -> throw new IllegalArgumentException("unsupported workload " + c.workload());
        };
    }

    // ------------------------------------------------------------------ round trips

    private RoundResult roundTrips(DriverCommand c) throws Exception {
        while (echoes.size() < c.concurrency()) {
            echoes.add(me.bus().connect("echo-" + echoes.size(), route));
        }
        List<Exchanges.Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < c.concurrency(); i++) {
            Channel ch = echoes.get(i);
            ByteBuffer out = ByteBuffer.allocate(c.size());
            exchanges.add(() -> {
                out.clear();
                ch.send(out); // the SDK copies the message: the buffer can be reused
                return ch.receive().remaining();
            });
        }
        return Exchanges.run(exchanges, c.size(), DriverLoop.Deadlines.of(c), platform);
    }

    // ------------------------------------------------------------------ one way: bulk and messages

    private RoundResult oneWay(DriverCommand c) throws IOException {
        if (sink == null) {
            sink = me.bus().connect("sink", route);
        }
        if (c.size() == 0) {
            throw new IllegalArgumentException("one-way messages need a size above 0 (an empty message ends a run)");
        }
        ByteBuffer buf = ByteBuffer.allocate(c.size());
        long warmEnd = System.nanoTime() + c.warmupMillis() * 1_000_000;
        if (c.warmupMillis() > 0) {
            stream(buf, warmEnd, c.workload() == Workload.ONE_WAY);
        }
        long t0 = System.nanoTime();
        long[] confirmed = stream(buf, t0 + c.durationMillis() * 1_000_000, c.workload() == Workload.ONE_WAY);
        long elapsed = System.nanoTime() - t0;
        RoundResult r = new RoundResult(confirmed[0], elapsed, confirmed[1], new LatencyHistogram());
        if (c.workload() == Workload.BULK) {
            Map<String, Double> s = BusStats.query(stats, false);
            r = r.with(Map.of(
                    "relay_direction_buffered_max", BusStats.get(s, "relay_direction_buffered_max"),
                    "relay_buffer", BusStats.get(s, "relay_buffer"),
                    "relay_buffer_max", BusStats.get(s, "relay_buffer_max"),
                    "relay_growths", BusStats.get(s, "relay_growths")));
        }
        return r;
    }

    /**
     * Sends until {@code end}, then the empty marker; returns the sink's count {messages, bytes},
     * checked. {@code coalesce}: {@link Channel#write} (the SDK writes once 32 KiB wait, and the
     * marker's send flushes the rest) instead of a {@link Channel#send} per message.
     */
    private long[] stream(ByteBuffer buf, long end, boolean coalesce) throws IOException {
        long messages = 0;
        long bytes = 0;
        do {
            for (int i = 0; i < 64; i++) { // look at the clock every 64 messages
                buf.clear();
                if (coalesce) {
                    sink.write(buf);
                } else {
                    sink.send(buf);
                }
            }
            messages += 64;
            bytes += 64L * buf.capacity();
        } while (System.nanoTime() < end);
        sink.send(ByteBuffer.allocate(0));
        ByteBuffer answer = sink.receive();
        long m = answer.getLong(0);
        long b = answer.getLong(8);
        if (m != messages || b != bytes) {
            throw new IOException("sink counted " + m + " messages, " + b + " bytes; sent " + messages + ", " + bytes);
        }
        return new long[] {m, b};
    }
}
