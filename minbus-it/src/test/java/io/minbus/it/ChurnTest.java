package io.minbus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.client.MinBus;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.protocol.PluginInfo;
import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.transport.BusAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hundred plugins joining and leaving concurrently: 100 connections spread over 4 child JVMs (100
 * JVMs are too heavy for a 2-core build machine), each name joining and leaving 3 times, about half of
 * them staying. A watcher's view, built from its snapshot and events, stays consistent (no join of a
 * present name, no departure of an absent one) and ends equal to {@code plugins()} and to {@code
 * minbus ls}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChurnTest {
    private static final int CHILDREN = 4;
    private static final int PER_CHILD = 25;
    private static final int ROUNDS = 3;

    @Test
    void aWatchersViewStaysConsistentWhileAHundredPluginsComeAndGo(@TempDir Path dir) {
        long seed = System.nanoTime();
        System.out.println("ChurnTest seed " + seed);
        Random random = new Random(seed);
        BusAddress address = new BusAddress.Unix(dir.resolve("bus.sock"));
        // all children run as one Unix user with unknown pids: they share one max_names_per_process count
        ServerLimits limits = ServerLimits.builder().maxNamesPerProcess(4 * CHILDREN * PER_CHILD).build();
        try (MinBusServer server = MinBusServer.builder().listen(address).limits(limits).start();
                MinBus watcherBus = MinBus.connect(address)) {
            Map<String, Integer> view = new ConcurrentHashMap<>();
            List<String> anomalies = new CopyOnWriteArrayList<>();
            List<Object> failures = new CopyOnWriteArrayList<>();
            int[] events = {0};
            try (Watch watch = watcherBus.watch(e -> {
                synchronized (events) {
                    events[0]++;
                }
                switch (e) {
                    case WatchEvent.Snapshot s -> s.plugins().forEach(p -> view.put(p.name(), p.version()));
                    case WatchEvent.Joined j -> {
                        if (view.putIfAbsent(j.plugin().name(), j.plugin().version()) != null) {
                            anomalies.add("joined while present: " + j.plugin());
                        }
                    }
                    case WatchEvent.Left l -> {
                        if (!view.remove(l.plugin().name(), l.plugin().version())) {
                            anomalies.add("left while absent (or other version): " + l.plugin());
                        }
                    }
                }
            }, failures::add)) {
                List<ChildProcess> children = new ArrayList<>();
                try {
                    for (int c = 0; c < CHILDREN; c++) {
                        children.add(ChildProcess.child("churn-" + c, "churn", address.toString(), "p" + c,
                                Integer.toString(PER_CHILD), Integer.toString(ROUNDS), Long.toString(random.nextLong())));
                    }
                    Map<String, Integer> finals = new HashMap<>();
                    for (ChildProcess child : children) {
                        child.await("done", Duration.ofSeconds(90));
                        assertThat(child.output()).as(child.label()).noneMatch(l -> l.startsWith("error"));
                        child.output().stream().filter(l -> l.startsWith("final ")).forEach(l -> {
                            String[] f = l.split(" ");
                            finals.put(f[1], Integer.parseInt(f[2]));
                        });
                        long retries = child.output().stream().filter(l -> l.startsWith("retry ")).count();
                        System.out.println(child.label() + ": " + retries + " NAME_TAKEN retries");
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> view.equals(finals));
                    assertThat(anomalies).isEmpty();
                    assertThat(failures).isEmpty();
                    synchronized (events) {
                        // snapshot + (join + leave) per round + a join per name that stayed
                        assertThat(events[0]).isEqualTo(1 + CHILDREN * PER_CHILD * ROUNDS * 2 + finals.size());
                    }
                    Set<String> listed = watcherBus.plugins().stream().map(p -> p.name() + " " + p.version())
                            .collect(Collectors.toCollection(TreeSet::new));
                    Set<String> expected = finals.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.toCollection(TreeSet::new));
                    assertThat(listed).isEqualTo(expected);
                    assertThat(server.stats().registeredPlugins()).isEqualTo(finals.size());
                    if (Files.exists(ChildProcess.cliJar())) {
                        try (ChildProcess ls = ChildProcess.cli("cli-ls", "ls", "--address", address.toString())) {
                            assertThat(ls.exitCode(Duration.ofSeconds(30))).isZero();
                            assertThat(new TreeSet<>(ls.output())).isEqualTo(expected);
                        }
                    }
                } finally {
                    children.forEach(ChildProcess::close);
                }
                await().atMost(Duration.ofSeconds(30)).until(view::isEmpty);
                assertThat(anomalies).isEmpty();
            }
        }
    }

    static PluginInfo info(String line) {
        String[] f = line.split(" ");
        return PluginInfo.of(f[0], Integer.parseInt(f[1]));
    }
}
