package io.minbus.bench.minbus;

import io.minbus.bench.harness.DriverCommand;
import io.minbus.bench.harness.LatencyHistogram;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.harness.Workload;
import io.minbus.bench.peers.DriverLoop;
import io.minbus.client.MinBus;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.transport.BusAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Driver of the scale scenario ({@code register N 0 ...}). The scenario's set-up filled the bus with N
 * registered plugins held by child JVMs ({@link ScaleHolders}: {@link ScaleHolder}s of 1,000
 * connections each, so no process needs more than ~1,000 descriptors); at its start this
 * driver opens 100 watchers (each a connection with a {@link Watch}) before it reads its first command.
 * Every round then measures, with the N plugins registered:
 *
 * <ul>
 * <li><b>announcement</b> (the histogram: p50/p99): a fresh connection registers {@code probe-…}; the
 *     time from the start of {@code register} until each of the 100 watchers has the {@code Joined}
 *     event (100 samples per registration, one registration at a time, for the probe's time but at
 *     least 20 registrations);
 * <li><b>setup rate</b> (count and elapsed: the msgs/s column): 200 fresh connections connect and
 *     register, 8 at a time, then close;
 * <li><b>memory</b> (extras, from the bus process after a full GC): RSS and live heap, and both per
 *     connection above the bus's figures before the plugins came ({@code rss_per_conn},
 *     {@code heap_per_conn}, bytes).
 * </ul>
 *
 * <p>Usage: {@code ScaleDriver BUS_SOCKET STATS_SOCKET FILL_FILE}
 */
public final class ScaleDriver {

    private static final int WATCHERS = 100;
    private static final int SETUP_BURST = 200;

    private final BusAddress address;
    private final String socket;
    private final Path stats;
    private final Path fillFile;
    private final List<MinBus> watchers = new ArrayList<>();
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private Map<String, Double> baseline;
    private double initialSetupRate;
    private int plugins;
    private int probe;

    private ScaleDriver(String socket, Path stats, Path fillFile) {
        this.fillFile = fillFile;
        this.socket = socket;
        this.address = new BusAddress.Unix(Path.of(socket));
        this.stats = stats;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ScaleDriver BUS_SOCKET STATS_SOCKET FILL_FILE");
            System.exit(2);
        }
        ScaleDriver d = new ScaleDriver(args[0], Path.of(args[1]), Path.of(args[2]));
        d.fill(); // before the first command: opening 100 watchers of N plugins is set-up, not a round
        DriverLoop.run(d::run);
        System.exit(0);
    }

    /** The watchers' sightings of one probe registration. */
    private record Arrival(CountDownLatch seen, java.util.concurrent.atomic.AtomicInteger next, long[] at) { }

    private RoundResult run(DriverCommand c) throws Exception {
        if (c.workload() != Workload.REGISTER) {
            throw new IllegalArgumentException("unsupported workload " + c.workload());
        }
        if (plugins != c.concurrency()) {
            throw new IllegalArgumentException("this driver holds " + plugins + " plugins, not " + c.concurrency());
        }
        LatencyHistogram hist = new LatencyHistogram();
        long end = System.nanoTime() + (c.warmupMillis() + c.durationMillis()) * 1_000_000;
        int registrations = 0;
        while (registrations < 20 || System.nanoTime() < end) {
            announce(hist);
            registrations++;
        }
        long t0 = System.nanoTime();
        setupBurst();
        long elapsed = System.nanoTime() - t0;
        Map<String, Double> s = BusStats.query(stats, true);
        double conns = BusStats.get(s, "connections");
        double base = BusStats.get(baseline, "connections");
        Map<String, Double> extras = new LinkedHashMap<>();
        extras.put("registered", BusStats.get(s, "registered"));
        extras.put("server_rss", BusStats.get(s, "rss"));
        extras.put("server_heap", BusStats.get(s, "heap_used"));
        extras.put("rss_per_conn", (BusStats.get(s, "rss") - BusStats.get(baseline, "rss")) / (conns - base));
        extras.put("heap_per_conn", (BusStats.get(s, "heap_used") - BusStats.get(baseline, "heap_used")) / (conns - base));
        extras.put("server_threads", BusStats.get(s, "threads"));
        extras.put("initial_setup_per_s", initialSetupRate);
        return new RoundResult(SETUP_BURST, elapsed, 0, hist, extras);
    }

    /** Reads what {@link ScaleHolders} did in set-up (N plugins registered), opens the watchers. */
    private void fill() throws Exception {
        baseline = new LinkedHashMap<>();
        for (String f : Files.readString(fillFile).trim().split("\\s+")) {
            int eq = f.indexOf('=');
            baseline.put(f.substring(0, eq), Double.parseDouble(f.substring(eq + 1)));
        }
        int n = (int) BusStats.get(baseline, "plugins");
        initialSetupRate = n * 1e9 / BusStats.get(baseline, "elapsed_ns");
        plugins = n;
        for (int i = 0; i < WATCHERS; i++) {
            MinBus w = MinBus.connect(address);
            CountDownLatch snapshot = new CountDownLatch(1);
            w.watch(event -> {
                long now = System.nanoTime();
                if (event instanceof WatchEvent.Snapshot) {
                    snapshot.countDown();
                } else if (event instanceof WatchEvent.Joined j) {
                    Arrival a = arrivals.get(j.plugin().name());
                    if (a != null) {
                        a.at()[a.next().getAndIncrement()] = now;
                        a.seen().countDown();
                    }
                }
            }, failure -> System.err.println("a watcher failed: " + failure));
            if (!snapshot.await(60, TimeUnit.SECONDS)) {
                throw new IOException("watcher " + i + " got no snapshot within 60 s");
            }
            watchers.add(w);
        }
    }

    /** One registration, timed until every watcher has seen it. */
    private void announce(LatencyHistogram hist) throws Exception {
        String name = "probe-" + probe++;
        try (MinBus bus = MinBus.connect(address)) {
            Arrival a = new Arrival(new CountDownLatch(WATCHERS), new java.util.concurrent.atomic.AtomicInteger(), new long[WATCHERS]);
            arrivals.put(name, a);
            long start = System.nanoTime();
            bus.register(name, 1);
            if (!a.seen().await(30, TimeUnit.SECONDS)) {
                throw new IOException(a.seen().getCount() + " of " + WATCHERS + " watchers did not see " + name + " within 30 s");
            }
            arrivals.remove(name);
            for (long at : a.at()) {
                hist.record(at - start);
            }
        }
    }

    private void setupBurst() throws Exception {
        List<MinBus> opened = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<MinBus>> f = new ArrayList<>();
            for (int i = 0; i < SETUP_BURST; i++) {
                String name = "setup-" + probe++;
                f.add(pool.submit(() -> {
                    MinBus b = MinBus.connect(address);
                    b.register(name, 1);
                    return b;
                }));
            }
            for (Future<MinBus> x : f) {
                opened.add(x.get());
            }
        } finally {
            opened.forEach(MinBus::close);
        }
    }
}
