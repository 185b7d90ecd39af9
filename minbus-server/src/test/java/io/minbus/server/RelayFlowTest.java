package io.minbus.server;

import static io.minbus.server.TestPlugin.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.mux.Duplex;
import io.minbus.mux.Entity;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.server.TestBus.Via;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/minbus.md §9: bulk data through relays, fragment by fragment, with bounded memory. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayFlowTest {
    private static final long MiB = 1024 * 1024;

    /** One platform thread per blocking task (the common pool may have a single thread). */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private static long seed(String test) {
        long seed = Long.getLong("minbus.test.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (rerun with -Dminbus.test.seed=" + seed + ")");
        return seed;
    }

    /** Sends {@code total} bytes of seeded random data in messages of 1 byte to 256 KiB; returns their CRC. */
    private static long send(Duplex d, long total, long seed) {
        Random random = new Random(seed);
        CRC32 crc = new CRC32();
        long sent = 0;
        while (sent < total) {
            int size = (int) Math.min(total - sent, 1 + random.nextInt(256 * 1024));
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            crc.update(bytes);
            d.send(ByteBuffer.wrap(bytes));
            sent += size;
        }
        return crc.getValue();
    }

    private static long receive(Duplex d, long total) {
        CRC32 crc = new CRC32();
        long received = 0;
        while (received < total) {
            ByteBuffer m = next(d);
            received += m.remaining();
            crc.update(m);
        }
        assertThat(received).isEqualTo(total);
        return crc.getValue();
    }

    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 2})
    void sixtyFourMiBAreRelayedIntactBothWays(int loops) {
        long seed = seed("sixtyFourMiB loops=" + loops);
        try (TestBus bus = TestBus.start(loops);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 1)) {
            Duplex fromA = a.connect(ConnectRequest.to("b"));
            Duplex atB = b.accept();
            assertThat(next(fromA).remaining()).as("acceptance").isZero();
            CompletableFuture<Long> aSends = CompletableFuture.supplyAsync(() -> send(fromA, 64 * MiB, seed), threads);
            CompletableFuture<Long> bSends = CompletableFuture.supplyAsync(() -> send(atB, 16 * MiB, seed + 1), threads);
            CompletableFuture<Long> bReceives = CompletableFuture.supplyAsync(() -> receive(atB, 64 * MiB), threads);
            long aReceived = receive(fromA, 16 * MiB);
            assertThat(bReceives.join()).as("CRC a->b").isEqualTo(aSends.join());
            assertThat(aReceived).as("CRC b->a").isEqualTo(bSends.join());
            ServerStats stats = bus.stats();
            assertThat(stats.relayDirectionBufferedMax()).isLessThanOrEqualTo(bus.server.limits().relayBufferMax());
            assertThat(stats.relayedBytes()).isGreaterThanOrEqualTo(80 * MiB);
        }
    }

    @Test
    void aSlowReaderKeepsTheServersRelayBytesUnderTheCap() {
        int cap = 16 * 1024;
        long seed = seed("slowReader");
        ServerLimits limits = ServerLimits.builder().relayBuffer(cap).relayBufferMax(cap).build(); // no growth
        try (TestBus bus = TestBus.start(2, limits);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                RawPeer b = RawPeer.start(bus.connect(Via.UNIX))) {
            b.run(e -> e.grant(b.topRead(), 100));
            b.run(e -> e.send(b.topWrite(), Registration.named("b", 1).encode()));
            assertThat(RegistrationResult.decode(b.next("data", null).payload()).isAccepted()).isTrue();
            Duplex da = a.connect(ConnectRequest.to("b"));
            Entity incoming = b.next("opened", null).entity();
            CRC32 crc = new CRC32();
            AtomicLong received = new AtomicLong();
            b.tapData(fragment -> {
                received.addAndGet(fragment.remaining());
                crc.update(fragment);
            });
            b.run(e -> {
                e.grant(incoming.readHalf().orElseThrow(), 128 * MiB); // far more credit than the server may buffer
                e.send(incoming.writeHalf().orElseThrow(), ByteBuffer.allocate(0)); // accept
            });
            assertThat(next(da).remaining()).isZero();
            b.pauseReading();
            CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> send(da, 64 * MiB, seed), threads);
            // the writer fills the sockets, then the server's relay buffer, then waits for credit
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().relayBytesBuffered() >= cap / 2);
            await().during(Duration.ofMillis(200)).atMost(TestPlugin.WAIT)
                    .until(() -> bus.stats().relayBytesBuffered() <= cap);
            b.resumeReading(Duration.ofNanos(200_000)); // slow: a pause before every read
            await().atMost(TestPlugin.WAIT).until(() -> received.get() > 4 * MiB);
            b.resumeReading(Duration.ZERO);
            long sentCrc = sender.join();
            await().atMost(Duration.ofSeconds(60)).until(() -> received.get() == 64 * MiB);
            assertThat(crc.getValue()).isEqualTo(sentCrc);
            ServerStats stats = bus.stats();
            assertThat(stats.relayDirectionBufferedMax()).as("bytes buffered in one direction, ever")
                    .isGreaterThan(0).isLessThanOrEqualTo(cap);
            assertThat(stats.relayBytesBufferedMax()).isLessThanOrEqualTo(2L * cap);
        }
    }

    /**
     * A fast receiver that grants far more than the cap: the sender keeps waiting for credit while the
     * server has nothing buffered, so the direction's cap doubles up to {@code relay_buffer_max}
     * (docs/minbus.md §9.2), never beyond, and the reservation is given back when the relay ends.
     */
    @Test
    void aFastReceiverLetsTheCapGrowToRelayBufferMaxAndTheMemoryIsGivenBack() {
        int cap = 16 * 1024;
        int max = 64 * 1024;
        long seed = seed("capGrows");
        ServerLimits limits = ServerLimits.builder().relayBuffer(cap).relayBufferMax(max).build();
        try (TestBus bus = TestBus.start(2, limits);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                RawPeer b = RawPeer.start(bus.connect(Via.UNIX))) {
            CRC32 crc = new CRC32();
            AtomicLong received = new AtomicLong();
            Relayed relay = relayToRawPeer(a, b, crc, received);
            Duplex da = relay.fromA();
            assertThat(bus.stats().relayMemoryReserved()).as("one relay: 2 x relay_buffer").isEqualTo(2L * cap);
            long sentCrc = send(da, 16 * MiB, seed);
            await().atMost(Duration.ofSeconds(60)).until(() -> received.get() == 16 * MiB);
            assertThat(crc.getValue()).isEqualTo(sentCrc);
            ServerStats stats = bus.stats();
            System.out.println("capGrows: " + stats.relayGrowths() + " growths, direction max " + stats.relayDirectionBufferedMax()
                    + " bytes, reserved " + stats.relayMemoryReserved());
            assertThat(stats.relayGrowths()).as("16 KiB -> 32 KiB -> 64 KiB").isEqualTo(2);
            assertThat(stats.relayMemoryReserved()).as("base plus growth of the a->b direction").isEqualTo(2L * cap + (max - cap));
            assertThat(stats.relayDirectionBufferedMax()).isGreaterThan(cap).isLessThanOrEqualTo(max);
            da.close(ByteBuffer.allocate(0));
            b.run(e -> e.close(relay.atB().writeHalf().orElseThrow(), ByteBuffer.allocate(0)));
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().relayMemoryReserved() == 0);
        }
    }

    /** Growth may not take {@code relay_memory} below half: with room for one relay's base only, no cap grows. */
    @Test
    void theCapDoesNotGrowWhenHalfOfRelayMemoryIsReserved() {
        int cap = 16 * 1024;
        long seed = seed("noRoomToGrow");
        ServerLimits limits = ServerLimits.builder().relayBuffer(cap).relayBufferMax(4 * cap).relayMemory(4L * cap).build();
        try (TestBus bus = TestBus.start(2, limits);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                RawPeer b = RawPeer.start(bus.connect(Via.UNIX))) {
            CRC32 crc = new CRC32();
            AtomicLong received = new AtomicLong();
            Duplex da = relayToRawPeer(a, b, crc, received).fromA();
            long sentCrc = send(da, 8 * MiB, seed);
            await().atMost(Duration.ofSeconds(60)).until(() -> received.get() == 8 * MiB);
            assertThat(crc.getValue()).isEqualTo(sentCrc);
            ServerStats stats = bus.stats();
            assertThat(stats.relayGrowths()).isZero();
            assertThat(stats.relayDirectionBufferedMax()).isLessThanOrEqualTo(cap);
            assertThat(stats.relayMemoryReserved()).isEqualTo(2L * cap);
        }
    }

    private record Relayed(Duplex fromA, Entity atB) {}

    /** A relay from {@code a} to the raw peer {@code b}, which grants 128 MiB and taps what arrives. */
    private static Relayed relayToRawPeer(TestPlugin a, RawPeer b, CRC32 crc, AtomicLong received) {
        b.run(e -> e.grant(b.topRead(), 100));
        b.run(e -> e.send(b.topWrite(), Registration.named("b", 1).encode()));
        assertThat(RegistrationResult.decode(b.next("data", null).payload()).isAccepted()).isTrue();
        Duplex da = a.connect(ConnectRequest.to("b"));
        Entity incoming = b.next("opened", null).entity();
        b.tapData(fragment -> {
            received.addAndGet(fragment.remaining());
            crc.update(fragment);
        });
        b.run(e -> {
            e.grant(incoming.readHalf().orElseThrow(), 128 * MiB); // far more credit than the server may buffer
            e.send(incoming.writeHalf().orElseThrow(), ByteBuffer.allocate(0)); // accept
        });
        assertThat(next(da).remaining()).isZero();
        return new Relayed(da, incoming);
    }
}
