package io.minbus.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.client.BusGoneException;
import io.minbus.client.Channel;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import io.minbus.mux.SessionConfig;
import io.minbus.transport.BusAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Server faults: the bus runs as a child JVM ({@link BusMain}) with plugins attached (idle, watching,
 * blocked in a channel's receive and in a send waiting for credit). SIGKILL: every plugin sees the bus
 * gone (the kernel closes the sockets) well within the heartbeat time. One receive waits on a platform
 * thread, which reads its connection's socket itself (leader/follower), the other on a virtual thread. SIGSTOP (a hung bus, sockets
 * open): every plugin sees it gone by its own heartbeat, within interval + timeout (+ scheduling slack).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BusKillTest {
    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofMillis(1200);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"KILL", "STOP"})
    void everyPluginSeesTheBusGoneWithinTheHeartbeatTime(String signal) throws Exception {
        Path socket = dir.resolve("bus.sock");
        try (ChildJvm bus = ChildJvm.start("bus", dir.resolve("bus.log"), BusMain.class, socket.toString(),
                Long.toString(INTERVAL.toMillis()), Long.toString(TIMEOUT.toMillis()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> bus.lines.stream().anyMatch(l -> l.startsWith("READY")));
            SessionConfig session = SessionConfig.builder().heartbeatInterval(INTERVAL).heartbeatTimeout(TIMEOUT).build();
            BusAddress address = new BusAddress.Unix(socket);
            List<MinBus> buses = new ArrayList<>();
            List<CompletableFuture<Long>> goneAt = new ArrayList<>();
            CompletableFuture<Void> release = new CompletableFuture<>();
            try {
                for (int i = 0; i < 10; i++) {
                    buses.add(MinBus.builder().address(address).session(session).connect());
                }
                // 0: idle named plugin (holding "in"), 1: watcher, 3: a channel "out" blocked in receive and in send,
                // 5: a channel whose receive waits on a platform thread
                Plugin target = buses.get(0).register("target", 1);
                CompletableFuture<Channel> accepted = new CompletableFuture<>();
                target.onConnect(ch -> {
                    accepted.complete(ch);
                    release.join(); // the channel stays open while the handler runs
                });
                CompletableFuture<Long> watchGone = new CompletableFuture<>();
                buses.get(1).watch(e -> { }, f -> watchGone.complete(System.nanoTime()));
                Channel out = buses.get(3).connect("target");
                Channel in = accepted.get(10, TimeUnit.SECONDS);
                Channel polled = buses.get(5).connect("target");
                goneAt.add(watchGone);
                goneAt.add(blocked(() -> out.receive())); // in never sends: this receive waits until the bus goes
                goneAt.add(blocked(Thread.ofPlatform().daemon(), () -> polled.receive())); // reads the socket itself
                goneAt.add(blocked(() -> {
                    while (true) {
                        out.send(java.nio.ByteBuffer.allocate(64 * 1024)); // fills the window, then waits
                    }
                }));
                for (MinBus b : buses) {
                    goneAt.add(CompletableFuture.supplyAsync(() -> { // each on a thread of its own: all poll at once
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> !b.isOpen());
                        return System.nanoTime();
                    }, r -> Thread.ofVirtual().start(r)));
                }
                long t0 = System.nanoTime();
                bus.signal(signal);
                long worst = 0;
                for (CompletableFuture<Long> f : goneAt) {
                    worst = Math.max(worst, f.get(30, TimeUnit.SECONDS) - t0);
                }
                long bound = 2 * INTERVAL.plus(TIMEOUT).toMillis() + 1000; // generous on 2 loaded cores; the figure is printed
                System.out.printf("BusKillTest SIG%s: %d observers saw the bus gone after at most %d ms (bound %d ms)%n",
                        signal, goneAt.size(), TimeUnit.NANOSECONDS.toMillis(worst), bound);
                assertThat(TimeUnit.NANOSECONDS.toMillis(worst)).isLessThan(bound);
                // a new call fails at once with BusGoneException
                assertThat(buses.get(4)).satisfies(b -> {
                    try {
                        b.plugins();
                        throw new AssertionError("plugins() worked on a dead bus");
                    } catch (BusGoneException expected) {
                        // documented
                    }
                });
            } finally {
                if ("STOP".equals(signal)) {
                    bus.signal("CONT");
                }
                release.complete(null);
                buses.forEach(MinBus::close);
            }
        }
    }

    private static CompletableFuture<Long> blocked(Runnable body) {
        return blocked(Thread.ofVirtual(), body);
    }

    private static CompletableFuture<Long> blocked(Thread.Builder thread, Runnable body) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        thread.start(() -> {
            try {
                body.run();
                f.completeExceptionally(new AssertionError("returned normally"));
            } catch (BusGoneException e) {
                f.complete(System.nanoTime());
            } catch (MinBusException e) {
                f.complete(System.nanoTime()); // ChannelBroken after the loss is acceptable too
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
