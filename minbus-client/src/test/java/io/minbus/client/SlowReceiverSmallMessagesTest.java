package io.minbus.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many small messages through the relay to a plugin that does not read for a while: the bus's
 * socket to it fills, a write is partial, and more small messages are encoded at once behind the
 * bytes still waiting (docs/architecture.md, the bus's eager encoding), which may move them to a
 * larger buffer. Every message must still arrive once, whole and in order. The seed is printed.
 */
@Timeout(90)
class SlowReceiverSmallMessagesTest {
    @TempDir Path dir;

    @Test
    void everySmallMessageArrivesOnceAndInOrderAfterTheReceiverWasStalled() throws Exception {
        long seed = Long.getLong("minbus.seed", System.nanoTime());
        System.out.println("SlowReceiverSmallMessagesTest seed " + seed + " (rerun with -Dminbus.seed=" + seed + ")");
        int count = 200_000;
        try (MinBusServer server = MinBusServer.builder().listen(new BusAddress.Unix(dir.resolve("bus.sock")))
                .loops(1).start();
                MinBus sinkBus = MinBus.connect(server.addresses().get(0));
                MinBus sourceBus = MinBus.connect(server.addresses().get(0))) {
            Plugin sink = sinkBus.register("sink", 1);
            CountDownLatch startReading = new CountDownLatch(1);
            CompletableFuture<String> verdict = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (Channel in = sink.accept().accept()) {
                    startReading.await();
                    SplittableRandom expected = new SplittableRandom(seed);
                    for (int i = 0; i < count; i++) {
                        ByteBuffer m = in.receive();
                        ByteBuffer want = message(expected, i);
                        if (!m.equals(want)) {
                            verdict.complete("message " + i + " differs: " + m.remaining() + " bytes, "
                                    + (m.remaining() >= 4 ? "index " + m.getInt(0) : "no index")
                                    + " instead of " + want.remaining() + " bytes with index " + i);
                            return;
                        }
                    }
                    verdict.complete("ok");
                } catch (Throwable t) {
                    verdict.complete("the sink failed: " + t);
                }
            });
            AtomicLong written = new AtomicLong();
            try (Channel out = sourceBus.connect("sink")) {
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < count; i++) {
                        ByteBuffer m = message(r, i);
                        if (written.addAndGet(m.remaining()) > 1 << 20) {
                            startReading.countDown(); // the bus's socket to the sink is full by now
                        }
                        out.write(m);
                    }
                    out.flush();
                }, command -> Thread.ofPlatform().daemon().start(command));
                assertThat(verdict.get(80, TimeUnit.SECONDS)).isEqualTo("ok");
                sending.get(5, TimeUnit.SECONDS);
            }
            assertThat(server.stats().relayDirectionBufferedMax()).isLessThanOrEqualTo(server.limits().relayBufferMax());
        }
    }

    /** Message {@code i}: its index, then 0 to 300 seeded bytes. */
    private static ByteBuffer message(SplittableRandom r, int i) {
        byte[] body = new byte[4 + r.nextInt(301)];
        for (int k = 4; k < body.length; k++) {
            body[k] = (byte) r.nextInt();
        }
        return ByteBuffer.wrap(body).putInt(0, i);
    }
}
