package io.minbus.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.minbus.client.Channel;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.server.MinBusServer;
import io.minbus.server.ServerStats;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay accounting the chaos test checks, in a focused loop: a sender streams at full speed to a
 * receiver that leaves in the middle; once every relay is finished, {@code relayBytesBuffered} must be
 * back at zero. (Fails while bug 1 of docs/reliability.md is open: fragments posted to a connection
 * that closed meanwhile are dropped without being released from the counter.)
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RelayAccountingTest {

    @Test
    void relayBytesBufferedReturnsToZeroWhenTheReceiverLeavesMidStream() {
        assumeFalse(KnownBugs.RELAY_COUNTER_LEAK, "known bug 1 (KnownBugs.RELAY_COUNTER_LEAK): remove with the fix");
        long seed = Probe.seed("RelayAccountingTest");
        SplittableRandom random = new SplittableRandom(seed);
        try (MinBusServer server = MinBusServer.builder().loops(2).start()) {
            for (int round = 0; round < 40; round++) {
                MinBus target = MinBus.connect(server.connectInMemory());
                target.register("t" + round, 1).onConnect(ch -> {
                    try {
                        while (true) {
                            ch.receive();
                        }
                    } catch (MinBusException gone) {
                        // the round is over
                    }
                });
                MinBus sender = MinBus.connect(server.connectInMemory());
                Channel ch = sender.connect("t" + round);
                Thread pump = Thread.ofVirtual().start(() -> {
                    try {
                        while (true) {
                            ch.send(ByteBuffer.allocate(1 + random.nextInt(8192)));
                        }
                    } catch (MinBusException | IllegalStateException gone) {
                        // the target left
                    }
                });
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(20_000))); // vary the moment
                target.close();
                try {
                    pump.join(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sender.close();
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> server.stats().openRelays() == 0 && server.stats().connections() == 0);
            ServerStats s = server.stats();
            System.out.printf("RelayAccountingTest: %d bytes relayed, relay bytes buffered at rest %d%n",
                    s.relayedBytes(), s.relayBytesBuffered());
            assertThat(s.relayBytesBuffered()).as("relay bytes buffered with no relay open").isZero();
        }
    }

    @Test
    void aConnectRacingTheTargetsDepartureEndsAndReleasesItsRelay() throws Exception {
        assumeFalse(KnownBugs.RELAY_OPEN_LEAK, "known bug 2 (KnownBugs.RELAY_OPEN_LEAK): remove with the fix");
        long seed = Probe.seed("RelayAccountingTest.connectRace");
        SplittableRandom random = new SplittableRandom(seed);
        try (MinBusServer server = MinBusServer.builder().loops(2).start(); MinBus initiator = MinBus.connect(server.connectInMemory())) {
            initiator.plugins(); // registered as a nameless client
            for (int round = 0; round < 200; round++) {
                io.minbus.transport.Transport t = server.connectInMemory();
                MinBus target = MinBus.connect(t);
                target.register("t" + round, 1).onConnect(ch -> { });
                String name = "t" + round;
                java.util.concurrent.CompletableFuture<Object> connect = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try (Channel c = initiator.connect(name)) {
                        return c;
                    } catch (MinBusException e) {
                        return e;
                    }
                });
                LockSupport.parkNanos(random.nextInt(300_000)); // vary the moment
                t.close(); // the target vanishes (no goodbye), racing the connect
                try {
                    connect.get(10, TimeUnit.SECONDS); // the initiator must get an answer
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("round " + round + ": connect(\"" + name + "\") got no answer within 10 s after"
                            + " the target vanished; " + server.stats(), e);
                }
                target.close();
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(server.stats().openRelays()).as("open relays at rest").isZero());
        }
    }
}
