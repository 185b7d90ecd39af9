package io.minbus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.protocol.Registration;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkType;
import io.minbus.wire.Flags;
import io.minbus.wire.Limits;
import io.minbus.wire.Violation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScriptedPeerTest {

    /** Registers "kv" 3 the raw way (docs/minbus.md §16) and checks the result's bytes. */
    static ScriptedPeer registered(ScriptedPeer peer) {
        return peer.expect("out-stream#0 credit(4096)")
                .send("88 00 fa 01 00 00")
                .send(Chunk.payload(ChunkType.OUT_SINK, 0, Registration.named("kv", 3).encode()))
                .expectHex("50 00 01 00");
    }

    @Test
    void replaysTheSpecExampleOverMemory() {
        try (InMemoryBus bus = InMemoryBus.start(); ScriptedPeer peer = bus.scriptedPeer()) {
            registered(peer);
            // a refused connect (docs/minbus.md §16): no plugin "db"
            peer.send("d0 02 04 00 02 64 62")
                    .expectAnyOrder("62 02 02 01 01", "a2 02 02 01 01")
                    .send("81 02").send("41 02");
            assertThat(bus.stats().registeredPlugins()).isEqualTo(1);
            assertThat(peer.transcript()).first().isEqualTo(">> preamble");
            assertThat(peer.peerPreamble()).isPresent();
        }
    }

    @Test
    void unexpectedRequestIsRefusedWithAnEmptyClose() {
        try (InMemoryBus bus = InMemoryBus.start(); ScriptedPeer peer = bus.scriptedPeer()) {
            registered(peer)
                    .send(new Chunk(ChunkType.OUT_REQUEST, 4, Flags.PAYLOAD | Flags.CREDIT,
                            ByteBuffer.wrap(new byte[] {42}), 100, Chunk.empty()))
                    .expect("in-request#4 end(0)");
        }
    }

    @Test
    void unexpectedDuplexIsClosedAndCancelledInAnyOrder() {
        try (InMemoryBus bus = InMemoryBus.start(); ScriptedPeer peer = bus.scriptedPeer()) {
            registered(peer)
                    .send(Chunk.payload(ChunkType.DUPLEX, 6, ByteBuffer.wrap(new byte[] {1})))
                    .expectAnyOrder("in-sink#6 end(0)", "in-stream#6 end(0)");
        }
    }

    @Test
    void theJavadocExampleRuns() {
        try (InMemoryBus bus = InMemoryBus.start(); ScriptedPeer peer = bus.scriptedPeer()) {
            peer.register("kv", 3)
                    .send("10 05 01 2a")
                    .expect("in-request#5 end(0)")
                    .send("d0 06 04 00 02 64 62")
                    .expectAnyOrder("62 06 02 01 01", "a2 06 02 01 01");
            assertThat(bus.client().plugins()).extracting(p -> p.name()).containsExactly("kv");
        }
    }

    @Test
    void aMismatchFailsWithTheTranscript() {
        try (InMemoryBus bus = InMemoryBus.start(); ScriptedPeer peer = bus.scriptedPeer()) {
            assertThatThrownBy(() -> peer.expect("out-stream#0 credit(1)"))
                    .isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("expected: out-stream#0 credit(1)")
                    .hasMessageContaining("actual:   out-stream#0 credit(4096)")
                    .hasMessageContaining(">> preamble");
        }
    }

    @Test
    void silenceTimesOut() {
        try (InMemoryBus bus = InMemoryBus.start(); ScriptedPeer peer = bus.scriptedPeer()) {
            peer.timeout(Duration.ofMillis(200)).expect("out-stream#0 credit(4096)");
            assertThatThrownBy(() -> peer.expect("in-sink#0 payload(1)"))
                    .isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("nothing arrived within PT0.2S");
        }
    }

    @Test
    void aViolationEndsTheConnectionAndIsCounted() {
        try (InMemoryBus bus = InMemoryBus.start(); ScriptedPeer peer = bus.scriptedPeer()) {
            // a Partial chunk announcing 0 bytes
            peer.send("e0 00").expectViolation(Violation.PARTIAL_ZERO);
            assertThat(bus.stats().violations()).isEqualTo(1);
        }
    }

    @Test
    void aBadPreambleIsAViolation() {
        try (InMemoryBus bus = InMemoryBus.start();
                ScriptedPeer peer = ScriptedPeer.raw(bus.server().connectInMemory(), Limits.defaults())
                        .violationCounter(() -> bus.stats().violations())) {
            peer.send("6d 69 6e 62 75 74 01 01") // "minbut"
                    .expectPreamble()             // the bus sends its own preamble at once
                    .expectViolation(Violation.PREAMBLE_MAGIC);
            assertThat(bus.stats().violations()).isEqualTo(1);
        }
    }

    @Test
    void playsTheBusForAPluginUnderTest() throws Exception {
        Transport[] pair = Transports.inMemoryPair(64 * 1024);
        try (ScriptedPeer fakeBus = ScriptedPeer.raw(pair[0], Limits.defaults())) {
            Thread plugin = Thread.ofVirtual().start(() -> {
                try (var bus = io.minbus.client.MinBus.connect(pair[1])) {
                    bus.register("kv", 3);
                } catch (RuntimeException e) {
                    // the fake bus closes at the end of the script
                }
            });
            fakeBus.sendPreamble().expectPreamble()
                    .send("88 00 f9 10 00"); // top-level credit 4096
            Chunk first = fakeBus.receive();
            while (first.type() != ChunkType.OUT_SINK) {
                first = fakeBus.receive(); // the SDK's credit grant(s)
            }
            assertThat(Registration.decode(first.payload())).isEqualTo(Registration.named("kv", 3));
            fakeBus.send("50 00 01 00");
            plugin.join(Duration.ofSeconds(10));
            assertThat(plugin.isAlive()).isFalse();
        }
    }

    @Test
    void hexParsing() {
        assertThat(ScriptedPeer.parseHex("0a 0B\n ff")).containsExactly(0x0a, 0x0b, 0xff);
        assertThat(ScriptedPeer.parseHex("empty")).isEmpty();
    }
}
