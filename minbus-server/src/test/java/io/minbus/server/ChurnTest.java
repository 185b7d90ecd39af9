package io.minbus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.mux.Stream;
import io.minbus.protocol.Event;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.server.TestBus.Via;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * docs/minbus.md §7: 100 plugins join and leave concurrently over every transport while a watcher
 * applies every event to its snapshot; its view must equal a final query.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChurnTest {

    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 2})
    void aWatchersViewStaysConsistentWithTheRegistry(int loops) throws Exception {
        long seed = Long.getLong("minbus.test.seed", System.nanoTime());
        System.out.println("churn loops=" + loops + ": seed " + seed + " (rerun with -Dminbus.test.seed=" + seed + ")");
        ServerLimits limits = ServerLimits.builder().maxNamesPerProcess(1000).build();
        try (TestBus bus = TestBus.start(loops, limits);
                TestPlugin watcher = bus.plugin(Via.MEMORY).registered("watcher", 1);
                TestPlugin stayer = bus.plugin(Via.TCP).registered("stayer", 1)) {
            Stream stream = watcher.watch();
            Set<PluginInfo> view = new LinkedHashSet<>(TestPlugin.snapshot(stream).plugins());
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<PluginInfo>> kept = new ArrayList<>();
            int joins = 0;
            try {
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    Random random = new Random(seed + i);
                    Via via = Via.values()[random.nextInt(3)];
                    boolean leaves = random.nextInt(3) != 0;
                    joins++;
                    kept.add(pool.submit(() -> {
                        TestPlugin p = bus.plugin(via).registered("plugin-" + n, n % 7);
                        if (leaves) {
                            if (random.nextBoolean()) {
                                p.session.send(java.nio.ByteBuffer.allocate(0)); // the disconnection message
                            }
                            p.close();
                            return null;
                        }
                        return PluginInfo.of("plugin-" + n, n % 7);
                    }));
                }
                List<PluginInfo> stay = new ArrayList<>();
                for (Future<PluginInfo> f : kept) {
                    PluginInfo p = f.get(60, TimeUnit.SECONDS);
                    if (p != null) {
                        stay.add(p);
                    }
                }
                int leaves = joins - stay.size();
                for (int events = 0; events < joins + leaves; events++) {
                    Event e = TestPlugin.event(stream);
                    if (e.kind() == Event.Kind.JOINED) {
                        assertThat(view.add(e.plugin())).as("joined twice: " + e).isTrue();
                    } else {
                        assertThat(view.remove(e.plugin())).as("left without joining: " + e).isTrue();
                    }
                }
                assertThat(stream.receive(Duration.ofMillis(200))).as("no more events").isEmpty();
                PluginList finalQuery = watcher.query();
                assertThat(view).containsExactlyInAnyOrderElementsOf(finalQuery.plugins());
                assertThat(finalQuery.plugins()).contains(PluginInfo.of("stayer", 1)).containsAll(stay);
                assertThat(finalQuery.plugins()).hasSize(stay.size() + 1);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
