package io.minbus.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.client.MinBus;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.mux.SessionConfig;
import io.minbus.protocol.PluginInfo;
import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.server.ServerStats;
import io.minbus.transport.BusAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos: child JVMs, each holding several {@link MinBus} connections ({@link ChaosPlugin}), join,
 * leave, stream checksummed data to each other, and are SIGKILLed and SIGSTOPped/SIGCONTed at random
 * while the bus runs in this JVM. After it settles: every normally closed channel delivered every byte
 * in order (checked in the children), every watcher's view equals the registry, the relay counters are
 * back to zero, and the server leaks no file descriptor and no thread. Duration: {@code
 * -Dminbus.chaos.seconds} (default 20; scripts/chaos.sh SECONDS for long runs), JVMs and connections
 * per JVM: {@code -Dminbus.chaos.jvms} (6), {@code -Dminbus.chaos.connections} (20).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChaosTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void chaos() throws Exception {
        long seconds = Long.getLong("minbus.chaos.seconds", 20);
        run(seconds);
    }

    /** scripts/chaos.sh: {@code args: SECONDS}; exits 0 if every invariant held. */
    public static void main(String[] args) throws Exception {
        ChaosTest t = new ChaosTest();
        t.dir = java.nio.file.Files.createTempDirectory("minbus-chaos-");
        t.run(Long.parseLong(args[0]));
        System.out.println("chaos: PASSED");
        System.exit(0);
    }

    void run(long seconds) throws Exception {
        long seed = Probe.seed("ChaosTest");
        int jvms = Integer.getInteger("minbus.chaos.jvms", 6);
        int connections = Integer.getInteger("minbus.chaos.connections", 20);
        SplittableRandom random = new SplittableRandom(seed);
        Path socket = dir.resolve("bus.sock");
        Path log = dir.resolve("children.log");
        try (MinBusServer server = MinBusServer.builder().listen(new BusAddress.Unix(socket)).loops(2)
                .limits(ServerLimits.builder().maxNamesPerProcess(100_000).build()) // all children run as one user
                .heartbeat(HEARTBEAT, HEARTBEAT.multipliedBy(4)).start()) {
            long fds0 = Probe.fds();
            int threads0 = Probe.threads();
            List<String> threadNames0 = Probe.threadNames();
            List<ChildJvm> all = new ArrayList<>();
            List<ChildJvm> alive = new ArrayList<>();
            List<Watcher> watchers = new ArrayList<>();
            int started = 0;
            int killed = 0;
            int stops = 0;
            int quits = 0;
            try {
                for (int i = 0; i < 3; i++) {
                    watchers.add(new Watcher(socket));
                }
                for (; started < jvms; started++) {
                    ChildJvm c = child(socket, log, started, connections, random.nextLong());
                    all.add(c);
                    alive.add(c);
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                long nextReport = System.nanoTime();
                while (System.nanoTime() < end) {
                    // one chaos action every 0.2 to 1.2 s (a wait on the clock, not a synchronisation)
                    TimeUnit.MILLISECONDS.sleep(200 + random.nextInt(1000));
                    int action = random.nextInt(10);
                    ChildJvm victim = alive.isEmpty() ? null : alive.get(random.nextInt(alive.size()));
                    if (victim != null && victim.stopped) {
                        victim.cont();
                    } else if (action < 2 && victim != null && alive.size() > 2) {
                        victim.kill();
                        alive.remove(victim);
                        killed++;
                    } else if (action < 5 && victim != null) {
                        victim.stop(); // resumed by a later action or at the end: 0.2 s to several s
                        stops++;
                    } else if (action < 6 && victim != null && alive.size() > 2) {
                        victim.command("quit");
                        alive.remove(victim);
                        quits++;
                    } else if (alive.size() < jvms) {
                        ChildJvm c = child(socket, log, started++, connections, random.nextLong());
                        all.add(c);
                        alive.add(c);
                    }
                    if (System.nanoTime() > nextReport) {
                        nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        System.out.println("chaos: " + server.stats().connections() + " connections, "
                                + server.stats().registeredPlugins() + " plugins, " + server.stats().openRelays()
                                + " relays, " + Probe.fds() + " fds");
                    }
                }
                // settle: resume everybody, stop churning, compare the watchers with the registry
                for (ChildJvm c : alive) {
                    if (c.stopped) {
                        c.cont();
                    }
                    c.command("hold");
                }
                MinBus query = MinBus.builder().address(new BusAddress.Unix(socket)).connect();
                try (query) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        Set<PluginInfo> registry = new HashSet<>(query.plugins());
                        for (Watcher w : watchers) {
                            assertThat(w.failure.get()).isNull();
                            assertThat(w.view()).isEqualTo(registry);
                        }
                        assertThat(registry).hasSize(alive.size() * connections);
                    });
                    System.out.println("chaos: settled with " + query.plugins().size() + " plugins, views equal");
                    for (ChildJvm c : alive) {
                        c.command("quit");
                    }
                    for (ChildJvm c : all) {
                        assertThat(c.awaitExit(60)).as(c.label + " exits").isTrue();
                    }
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        assertThat(query.plugins()).isEmpty();
                        for (Watcher w : watchers) {
                            assertThat(w.view()).isEmpty();
                        }
                        ServerStats s = server.stats();
                        assertThat(KnownBugs.checkOpenRelaysAtRest(s.openRelays())).isTrue();
                        assertThat(KnownBugs.checkRelayBytesBufferedAtRest(s.relayBytesBuffered()))
                                .as("relay bytes buffered with no relay open: " + s.relayBytesBuffered()).isTrue();
                    });
                }
                long ok = 0;
                long okBytes = 0;
                for (ChildJvm c : all) {
                    for (String line : c.lines) {
                        assertThat(line).as(c.label).doesNotStartWith("ERR");
                    }
                    ok += field(c.lastStats, "ok");
                    okBytes += field(c.lastStats, "okBytes");
                }
                all.forEach(ChildJvm::close); // our ends of their pipes
                for (Watcher w : watchers) {
                    w.close();
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> assertThat(server.stats().connections()).isZero());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(Probe.fds()).as("fds").isLessThanOrEqualTo(fds0);
                    assertThat(Probe.threads()).as("threads now " + Probe.threadNames() + ", before " + threadNames0)
                            .isLessThanOrEqualTo(threads0);
                });
                ServerStats s = server.stats();
                int watcherReconnects = watchers.stream().mapToInt(w -> w.reconnects.get()).sum();
                System.out.printf("chaos: watchers reconnected %d times (own heartbeat misses)%n", watcherReconnects);
                System.out.printf("chaos: %d s, %d JVMs x %d connections started %d, SIGKILL %d, SIGSTOP %d, quit %d;"
                                + " %d channels verified (%s), %d relayed bytes, peak relay buffer %d, buffered at rest %d, violations %d,"
                                + " heartbeat drops %d; fds %d -> %d, threads %d -> %d%n",
                        seconds, jvms, connections, started, killed, stops, quits, ok, Probe.mib(okBytes),
                        s.relayedBytes(), s.relayBytesBufferedMax(), s.relayBytesBuffered(), s.violations(), s.heartbeatTimeouts(),
                        fds0, Probe.fds(), threads0, Probe.threads());
                assertThat(ok).as("channels verified").isPositive();
            } finally {
                all.forEach(ChildJvm::close);
                watchers.forEach(Watcher::close);
                if (Files.exists(log)) {
                    List<String> errs = Files.readAllLines(log).stream().filter(l -> l.contains("Exception")).limit(20).toList();
                    if (!errs.isEmpty()) {
                        System.out.println("children's stderr (first lines with exceptions):\n" + String.join("\n", errs));
                    }
                }
            }
        }
    }

    private static ChildJvm child(Path socket, Path log, int index, int connections, long seed) throws Exception {
        return ChildJvm.start("jvm" + index, log, ChaosPlugin.class, socket.toString(), Integer.toString(index),
                Integer.toString(connections), Long.toString(seed), Long.toString(HEARTBEAT.toMillis()));
    }

    private static long field(String stats, String name) {
        for (String part : stats.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        return 0;
    }

    /**
     * A watcher in this JVM keeping its view of the registry from the connection stream. If its own
     * connection is lost (a heartbeat missed while this JVM starves on a loaded machine), it opens a
     * new one, whose snapshot replaces the view; {@link #failure} records only broken event invariants.
     */
    static final class Watcher implements AutoCloseable {
        final Set<PluginInfo> view = ConcurrentHashMap.newKeySet();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final java.util.concurrent.atomic.AtomicInteger reconnects = new java.util.concurrent.atomic.AtomicInteger();
        private final Path socket;
        private volatile boolean closed;
        private MinBus bus;
        private Watch watch;
        private int generation;

        Watcher(Path socket) {
            this.socket = socket;
            open();
        }

        private synchronized void open() {
            if (closed) {
                return;
            }
            int g = ++generation;
            bus = MinBus.builder().address(new BusAddress.Unix(socket))
                    .session(SessionConfig.builder().heartbeatInterval(HEARTBEAT).heartbeatTimeout(HEARTBEAT.multipliedBy(4)).build())
                    .connect();
            watch = bus.watch(e -> event(g, e), f -> lost(g));
        }

        private void lost(int g) {
            synchronized (this) {
                if (closed || g != generation) {
                    return;
                }
                reconnects.incrementAndGet();
                bus.close();
            }
            Thread.ofVirtual().start(() -> {
                while (!closed) {
                    try {
                        open();
                        return;
                    } catch (RuntimeException e) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // back-off, not sync
                    }
                }
            });
        }

        private synchronized void event(int g, WatchEvent e) {
            if (g != generation) {
                return;
            }
            switch (e) {
                case WatchEvent.Snapshot s -> {
                    view.clear();
                    view.addAll(s.plugins());
                }
                case WatchEvent.Joined j -> {
                    if (!view.add(j.plugin())) {
                        failure.compareAndSet(null, new IllegalStateException("joined twice: " + j.plugin()));
                    }
                }
                case WatchEvent.Left l -> {
                    if (!view.remove(l.plugin())) {
                        failure.compareAndSet(null, new IllegalStateException("left without joining: " + l.plugin()));
                    }
                }
            }
        }

        synchronized Set<PluginInfo> view() {
            return Set.copyOf(view);
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (watch != null) {
                watch.close();
                bus.close();
            }
        }
    }
}
