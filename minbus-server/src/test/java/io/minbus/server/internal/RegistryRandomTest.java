package io.minbus.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.protocol.Event;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Registration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many random joins, leaves, watches and unwatches: every watcher's view rebuilt from its snapshot
 * and events must equal the registry. Rerun a seed with {@code -Dminbus.seed=N}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryRandomTest {
    private static final long SEED = Long.getLong("minbus.seed", System.nanoTime());

    /** A connection stream's client-side view: the snapshot, then every event applied. */
    static final class View implements Watcher {
        private final Member owner;
        private final Map<String, Integer> plugins = new HashMap<>();
        private final ReentrantLock lock = new ReentrantLock();
        private boolean snapshotSeen;

        View(Member owner) {
            this.owner = owner;
        }

        @Override
        public void snapshot(PluginList snapshot) {
            lock.lock();
            try {
                assertThat(snapshotSeen).as("one snapshot, first").isFalse();
                snapshotSeen = true;
                snapshot.plugins().forEach(p -> plugins.put(p.name(), p.version()));
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void event(Event event) {
            lock.lock();
            try {
                assertThat(snapshotSeen).as("no event before the snapshot").isTrue();
                PluginInfo p = event.plugin();
                assertThat(owner.plugin().map(PluginInfo::name)).as("a watcher never hears about itself")
                        .isNotEqualTo(java.util.Optional.of(p.name()));
                if (event.kind() == Event.Kind.JOINED) {
                    assertThat(plugins.put(p.name(), p.version())).as("joined twice: " + p).isNull();
                } else {
                    assertThat(plugins.remove(p.name())).as("left without joining: " + p).isEqualTo(p.version());
                }
            } finally {
                lock.unlock();
            }
        }

        Set<PluginInfo> plugins() {
            lock.lock();
            try {
                Set<PluginInfo> out = new HashSet<>();
                plugins.forEach((n, v) -> out.add(new PluginInfo(n, v)));
                return out;
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    void everyWatchersViewEqualsTheRegistry() {
        System.out.println("RegistryRandomTest.everyWatchersViewEqualsTheRegistry seed " + SEED);
        Random random = new Random(SEED);
        Registry registry = new Registry(3);
        List<Member> members = new ArrayList<>();
        Map<Member, View> views = new HashMap<>();
        for (int step = 0; step < 20000; step++) {
            int op = random.nextInt(10);
            if (op < 4 || members.isEmpty()) {
                Registration r = random.nextInt(5) == 0 ? Registration.nameless(0)
                        : Registration.named("p" + random.nextInt(40), random.nextInt(3));
                OptionalLong pid = random.nextBoolean() ? OptionalLong.of(1 + random.nextInt(8)) : OptionalLong.empty();
                if (registry.admit(r, pid) instanceof Admission.Admitted a) {
                    members.add(a.member());
                }
            } else if (op < 7) {
                Member m = members.remove(random.nextInt(members.size()));
                assertThat(registry.leave(m)).isTrue();
                views.remove(m);
            } else if (op < 9) {
                Member m = members.get(random.nextInt(members.size()));
                View view = new View(m);
                if (registry.watch(m, view)) {
                    views.put(m, view);
                }
            } else {
                Member m = members.get(random.nextInt(members.size()));
                assertThat(registry.unwatch(m)).isEqualTo(views.remove(m) != null);
            }
            if (step % 1000 == 0) {
                checkViews(registry, views);
            }
        }
        checkViews(registry, views);
        checkCounts(registry, members);
    }

    @Test
    void concurrentCallersKeepEveryViewConsistent() throws Exception {
        System.out.println("RegistryRandomTest.concurrentCallersKeepEveryViewConsistent seed " + SEED);
        Registry registry = new Registry(1000);
        int threads = 4;
        Map<Member, View> views = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Member>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = SEED + t;
                int thread = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    List<Member> mine = new ArrayList<>();
                    start.await();
                    for (int step = 0; step < 5000; step++) {
                        int op = random.nextInt(10);
                        if (op < 4 || mine.isEmpty()) {
                            Registration r = Registration.named("t" + thread + "-" + random.nextInt(30), 1);
                            if (registry.admit(r, OptionalLong.of(thread + 1)) instanceof Admission.Admitted a) {
                                mine.add(a.member());
                            }
                        } else if (op < 7) {
                            Member m = mine.remove(random.nextInt(mine.size()));
                            registry.leave(m);
                            views.remove(m);
                        } else {
                            Member m = mine.get(random.nextInt(mine.size()));
                            View view = new View(m);
                            if (registry.watch(m, view)) {
                                views.put(m, view);
                            } else if (random.nextBoolean()) {
                                registry.unwatch(m);
                                views.remove(m);
                            }
                        }
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Member> all = new ArrayList<>();
            for (Future<List<Member>> f : results) {
                all.addAll(f.get(50, TimeUnit.SECONDS));
            }
            checkViews(registry, views);
            checkCounts(registry, all);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void checkViews(Registry registry, Map<Member, View> views) {
        assertThat(registry.watcherCount()).isEqualTo(views.size());
        views.forEach((member, view) -> assertThat(view.plugins())
                .as("view of " + member)
                .isEqualTo(new HashSet<>(registry.plugins(member).plugins())));
    }

    private static void checkCounts(Registry registry, List<Member> live) {
        assertThat(registry.size()).isEqualTo(live.size());
        Map<Long, Integer> perPid = new HashMap<>();
        for (Member m : live) {
            if (m.plugin().isPresent()) {
                assertThat(registry.lookup(m.plugin().get().name())).containsSame(m);
                m.pid().ifPresent(p -> perPid.merge(p, 1, Integer::sum));
            }
        }
        perPid.forEach((pid, n) -> assertThat(registry.namesHeldBy(pid)).as("names of pid " + pid).isEqualTo(n));
    }
}
