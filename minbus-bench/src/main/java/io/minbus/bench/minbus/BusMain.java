package io.minbus.bench.minbus;

import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.server.ServerStats;
import io.minbus.transport.BusAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The bus of the minbus scenarios: a {@link MinBusServer} (the public API, as {@code minbus serve}
 * runs it: default limits, one selector loop per core) in a process of its own, plus a small side
 * socket on which a driver asks for the server's figures between runs (so the figures come from the
 * measured process itself, without a bus connection of their own).
 *
 * <p>Limits differ from the defaults only where the benchmark needs it: {@code maxNamesPerProcess}
 * (per Unix user without a process resolver, so 1,000 echo names or 10,000 registered plugins of one
 * user would hit the default 1,024). {@code relay_buffer} stays at its default, 256 KiB.
 *
 * <p>Side-socket protocol: one line in, one line out. {@code stats} answers {@code key=value ...}
 * ({@link ServerStats} fields, RSS, heap, direct memory, threads); {@code gc} runs a full GC first, so
 * the heap figure is what is live. Prints {@code ready} once listening; exits when stdin ends (the
 * harness is gone).
 *
 * <p>Usage: {@code BusMain BUS_SOCKET STATS_SOCKET}
 */
public final class BusMain {

    private BusMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BusMain BUS_SOCKET STATS_SOCKET");
            System.exit(2);
        }
        ServerLimits limits = ServerLimits.builder().maxNamesPerProcess(1_000_000).build();
        MinBusServer server = MinBusServer.builder().listen(new BusAddress.Unix(Path.of(args[0]))).limits(limits).start();
        Path statsPath = Path.of(args[1]);
        Files.deleteIfExists(statsPath);
        ServerSocketChannel stats = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        stats.bind(UnixDomainSocketAddress.of(statsPath));
        Thread.ofPlatform().daemon().name("bench-stats").start(() -> serveStats(stats, server));
        CountDownLatch gone = new CountDownLatch(1);
        Thread.ofPlatform().daemon().name("stdin-watch").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent to servers; EOF means the harness is gone
                }
            } catch (IOException e) {
                // same as EOF
            }
            gone.countDown();
        });
        System.out.println("ready");
        System.out.flush();
        gone.await();
        server.close();
        System.exit(0);
    }

    private static void serveStats(ServerSocketChannel listener, MinBusServer server) {
        for (;;) {
            try (SocketChannel ch = listener.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch);
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.trim().equals("gc")) {
                        System.gc();
                    }
                    out.write((format(figures(server)) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                System.err.println("stats connection: " + e);
            }
        }
    }

    static Map<String, Double> figures(MinBusServer server) {
        ServerStats s = server.stats();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("connections", (double) s.connections());
        m.put("registered", (double) s.registeredPlugins());
        m.put("watchers", (double) s.watchers());
        m.put("relay_buffer", (double) server.limits().relayBuffer());
        m.put("relay_buffer_max", (double) server.limits().relayBufferMax());
        m.put("relay_growths", (double) s.relayGrowths());
        m.put("relay_direction_buffered_max", (double) s.relayDirectionBufferedMax());
        m.put("relay_buffered_max", (double) s.relayBytesBufferedMax());
        m.put("relayed_bytes", (double) s.relayedBytes());
        m.put("violations", (double) s.violations());
        m.put("rss", (double) rssBytes());
        m.put("heap_used", (double) ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        long direct = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += b.getMemoryUsed();
        }
        m.put("buffers", (double) direct);
        m.put("threads", (double) Thread.activeCount());
        return m;
    }

    static String format(Map<String, Double> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(String.format(Locale.ROOT, "%.0f", v)));
        return b.toString();
    }

    /** VmRSS of this process, in bytes (0 where /proc is missing). */
    static long rssBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return 0;
    }
}
