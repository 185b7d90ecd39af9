package io.minbus.mux;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Measures 64-byte top-level round trips for each write strategy over the in-memory and Unix
 * transports (the numbers behind {@link SessionConfig#DEFAULT_STRATEGY}). Tagged soak: run with
 * {@code -Dminbus.test.groups=soak -Dminbus.test.excludedGroups= -Dtest=PingPongLatencyTest}.
 */
@Tag("soak")
@Timeout(300)
class PingPongLatencyTest {
    static final int WARMUP = 20_000;
    static final int ROUNDS = 50_000;

    @Test
    void measure() throws Exception {
        for (int repeat = 0; repeat < 2; repeat++) {
            for (SessionConfig.WriteStrategy w : SessionConfig.WriteStrategy.values()) {
                report("memory", w, Transports.inMemoryPair(64 * 1024));
                Path dir = Files.createTempDirectory("mux-lat");
                try (TransportListener l = Transports.listen(new BusAddress.Unix(dir.resolve("s")))) {
                    CompletableFuture<Transport> acc = CompletableFuture.supplyAsync(l::accept);
                    Transport c = Transports.connect(l.address());
                    report("unix", w, new Transport[] {c, acc.get()});
                }
            }
        }
    }

    private static void report(String name, SessionConfig.WriteStrategy w, Transport[] t) throws Exception {
        SessionConfig cfg = SessionConfig.builder().writeStrategy(w).name("lat").build();
        CompletableFuture<Session> fb = CompletableFuture.supplyAsync(() -> Session.start(t[1], cfg));
        try (Session a = Session.start(t[0], cfg); Session b = fb.get()) {
            Thread echo = Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        b.send(b.receive());
                    }
                } catch (MuxException done) {
                    // closed
                }
            });
            ByteBuffer m = ByteBuffer.allocate(64);
            for (int i = 0; i < WARMUP; i++) {
                a.send(m.duplicate());
                a.receive();
            }
            long start = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) {
                a.send(m.duplicate());
                a.receive();
            }
            double us = (System.nanoTime() - start) / 1000.0 / ROUNDS;
            System.out.printf("round trip %-6s %-15s %6.1f us%n", name, w, us);
            a.close();
            echo.join();
        }
    }
}
