package io.minbus.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.client.MinBus;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Soak: mixed traffic (child JVMs joining and leaving, streaming checksummed channels, listing;
 * watchers in the bus's JVM) for {@code -Dminbus.soak.seconds} (default 3600; scripts/soak.sh). The
 * bus's heap after GC, fds and threads are sampled every 10 s; at the end no error may have occurred,
 * the watchers must agree with the registry, the relay counters must be zero and the heap after GC must
 * not have grown by more than {@link #HEAP_GROWTH_BOUND} since the first sample after warm-up.
 */
@Tag("soak")
@Timeout(value = 6, unit = TimeUnit.HOURS)
class SoakTest {
    static final long HEAP_GROWTH_BOUND = 16L << 20;

    @Test
    void mixedTrafficWithFlatMemory() throws Exception {
        run(Long.getLong("minbus.soak.seconds", 3600), Files.createTempDirectory("minbus-soak-"));
    }

    /** scripts/soak.sh: {@code args: SECONDS}. */
    public static void main(String[] args) throws Exception {
        run(Long.parseLong(args[0]), Files.createTempDirectory("minbus-soak-"));
        System.out.println("soak: PASSED");
        System.exit(0);
    }

    static void run(long seconds, Path dir) throws Exception {
        long seed = Probe.seed("SoakTest");
        SplittableRandom random = new SplittableRandom(seed);
        int jvms = Integer.getInteger("minbus.soak.jvms", 4);
        int connections = Integer.getInteger("minbus.soak.connections", 10);
        Path socket = dir.resolve("bus.sock");
        Path log = dir.resolve("children.log");
        Duration heartbeat = Duration.ofSeconds(1);
        try (MinBusServer server = MinBusServer.builder().listen(new BusAddress.Unix(socket)).loops(2)
                .limits(ServerLimits.builder().maxNamesPerProcess(100_000).build())
                .heartbeat(heartbeat, heartbeat.multipliedBy(4)).start()) {
            long fds0 = Probe.fds();
            int threads0 = Probe.threads();
            List<String> threadNames0 = Probe.threadNames();
            List<ChildJvm> children = new ArrayList<>();
            List<ChaosTest.Watcher> watchers = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    watchers.add(new ChaosTest.Watcher(socket));
                }
                int started = 0;
                for (; started < jvms; started++) {
                    children.add(ChildJvm.start("jvm" + started, log, ChaosPlugin.class, socket.toString(),
                            Integer.toString(started), Integer.toString(connections), Long.toString(random.nextLong()), "1000"));
                }
                long t0 = System.nanoTime();
                long warm = Math.min(60, seconds / 5);
                long baseline = -1;
                long maxHeap = 0;
                long lastHeap = 0;
                int restarts = 0;
                System.out.println("soak: t(s) heapAfterGc fds threads connections plugins relays relayedBytes");
                for (long t = 10; t <= seconds; t += 10) {
                    TimeUnit.NANOSECONDS.sleep(t0 + TimeUnit.SECONDS.toNanos(t) - System.nanoTime()); // sampling clock
                    // churn whole JVMs too: every 60 s one child quits and a new one starts
                    if (t % 60 == 0) {
                        ChildJvm old = children.remove(random.nextInt(children.size()));
                        old.command("quit");
                        assertThat(old.awaitExit(60)).isTrue();
                        assertThat(old.lines).noneMatch(l -> l.startsWith("ERR"));
                        children.add(ChildJvm.start("jvm" + started, log, ChaosPlugin.class, socket.toString(),
                                Integer.toString(started++), Integer.toString(connections), Long.toString(random.nextLong()), "1000"));
                        restarts++;
                    }
                    long heap = Probe.heapAfterGc();
                    ServerStats s = server.stats();
                    System.out.printf("soak: %d %s %d %d %d %d %d %d%n", t, Probe.mib(heap), Probe.fds(), Probe.threads(),
                            s.connections(), s.registeredPlugins(), s.openRelays(), s.relayedBytes());
                    if (t >= warm && baseline < 0) {
                        baseline = heap;
                    }
                    maxHeap = Math.max(maxHeap, heap);
                    lastHeap = heap;
                    for (ChildJvm c : children) {
                        assertThat(c.lines).as(c.label).noneMatch(l -> l.startsWith("ERR"));
                        assertThat(c.process.isAlive()).as(c.label + " alive").isTrue();
                    }
                    for (ChaosTest.Watcher w : watchers) {
                        assertThat(w.failure.get()).isNull();
                    }
                }
                for (ChildJvm c : children) {
                    c.command("hold");
                }
                try (MinBus query = MinBus.connect(new BusAddress.Unix(socket))) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        var registry = new HashSet<PluginInfo>(query.plugins());
                        for (ChaosTest.Watcher w : watchers) {
                            assertThat(w.view()).isEqualTo(registry);
                        }
                        assertThat(registry).hasSize(children.size() * connections);
                    });
                }
                long ok = 0;
                for (ChildJvm c : children) {
                    c.command("quit");
                    assertThat(c.awaitExit(60)).isTrue();
                    assertThat(c.lines).noneMatch(l -> l.startsWith("ERR"));
                    for (String part : c.lastStats.split(" ")) {
                        if (part.startsWith("ok=")) {
                            ok += Long.parseLong(part.substring(3));
                        }
                    }
                }
                watchers.forEach(ChaosTest.Watcher::close);
                await().atMost(Duration.ofSeconds(30)).until(() -> server.stats().connections() == 0
                        && KnownBugs.checkOpenRelaysAtRest(server.stats().openRelays()));
                ServerStats s = server.stats();
                System.out.printf("soak: %d s, %d JVM restarts, heap after GC: baseline %s, max %s, last %s; relayed %d bytes;"
                                + " violations %d; heartbeat drops %d; relay bytes buffered at rest %d; fds %d -> %d; threads %d -> %d;"
                                + " channels verified by the last generation of children %d%n",
                        seconds, restarts, Probe.mib(baseline), Probe.mib(maxHeap), Probe.mib(lastHeap), s.relayedBytes(),
                        s.violations(), s.heartbeatTimeouts(), s.relayBytesBuffered(), fds0, Probe.fds(), threads0, Probe.threads(), ok);
                System.out.println("soak: open relays at rest " + s.openRelays() + "; threads before " + threadNames0
                        + ", after " + Probe.threadNames());
                assertThat(s.violations()).isZero();
                assertThat(lastHeap - baseline).as("heap growth").isLessThan(HEAP_GROWTH_BOUND);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(Probe.fds()).isLessThanOrEqualTo(fds0);
                    assertThat(Probe.threads()).as("threads now " + Probe.threadNames() + ", before " + threadNames0)
                            .isLessThanOrEqualTo(threads0);
                });
                assertThat(KnownBugs.checkRelayBytesBufferedAtRest(s.relayBytesBuffered())).isTrue();
            } finally {
                children.forEach(ChildJvm::close);
                watchers.forEach(ChaosTest.Watcher::close);
            }
        }
    }
}
