package io.minbus.server;

import static io.minbus.server.TestPlugin.bytes;
import static io.minbus.server.TestPlugin.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.Stream;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.Event;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Registration;
import io.minbus.server.TestBus.Via;
import io.minbus.transport.BusAddress;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/minbus.md §10-§11: cleanup exactly once, heartbeats, shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CleanupTest {

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertBroken(Duplex d, ByteBuffer payload) {
        assertThatThrownBy(() -> d.receive(TestPlugin.WAIT))
                .isInstanceOfSatisfying(EndedException.class, e -> assertThat(e.reason()).isEqualTo(payload));
        await().atMost(TestPlugin.WAIT).until(() -> d.cancelReason().isPresent());
        assertThat(d.cancelReason()).contains(payload);
    }

    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 2})
    void aDroppedPluginLeavesOnceAndItsRelaysBreakWith01(int loops) {
        try (TestBus bus = TestBus.start(loops);
                TestPlugin watcher = bus.plugin(Via.MEMORY).registered("watcher", 1);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 1);
                TestPlugin c = bus.plugin(Via.UNIX).registered("c", 1)) {
            Stream stream = watcher.watch();
            assertThat(TestPlugin.snapshot(stream).plugins()).extracting(PluginInfo::name).containsExactly("a", "b", "c");
            Duplex aToB = a.connected0("b", b);
            b.connect(ConnectRequest.to("c"));
            Duplex atC = c.accept();
            b.session.close(); // the byte stream ends
            assertThat(TestPlugin.event(stream)).isEqualTo(Event.left(PluginInfo.of("b", 1)));
            assertBroken(aToB, bytes(0x01));
            assertBroken(atC, bytes(0x01));
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().openRelays() == 0);
            try (TestPlugin fence = bus.plugin().registered("fence", 1)) {
                assertThat(TestPlugin.event(stream)).as("no second left").isEqualTo(Event.joined(PluginInfo.of("fence", 1)));
            }
            assertThat(TestPlugin.event(stream)).isEqualTo(Event.left(PluginInfo.of("fence", 1)));
            assertThat(a.session.isOpen()).isTrue();
            assertThat(c.session.isOpen()).isTrue();
            assertThat(watcher.query().plugins()).extracting(PluginInfo::name).containsExactly("a", "c");
        }
    }

    @Test
    void theTargetSideOfADroppedInitiatorBreaksToo() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 1)) {
            Duplex aToB = a.connect(ConnectRequest.to("b"));
            Duplex atB = b.accept();
            next(aToB);
            aToB.send(text("last words"));
            assertThat(next(atB)).isEqualTo(text("last words"));
            a.session.close();
            assertBroken(atB, bytes(0x01));
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().openRelays() == 0 && bus.stats().connections() == 1);
        }
    }

    @Test
    void aPluginThatGoesAwayMidMessageLeavesNoTruncatedMessageOnlyA01Close() {
        try (TestBus bus = TestBus.start(2);
                RawPeer a = RawPeer.start(bus.connect(Via.TCP));
                TestPlugin b = bus.plugin(Via.UNIX).registered("b", 1)) {
            a.run(e -> e.grant(a.topRead(), 100));
            a.run(e -> e.send(a.topWrite(), Registration.named("a", 1).encode()));
            a.next("data", null);
            var duplex = a.call(e -> e.openDuplex(ConnectRequest.to("b").encode(), 1000));
            Duplex atB = b.accept();
            a.next("credit", duplex); // after the acceptance: b's credit, passed on
            var half = duplex.writeHalf().orElseThrow();
            a.run(e -> e.send(half, text("whole")));
            a.run(e -> {
                e.startMessage(half, 10);
                e.appendMessage(half, text("12345"));
            });
            assertThat(next(atB)).isEqualTo(text("whole"));
            a.close();
            // the 01 close aborts the half-sent message (protocol.md §9, minbus.md §10): b never sees it
            assertBroken(atB, bytes(0x01));
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().relayBytesBuffered() == 0);
        }
    }

    @Test
    void aPeerThatNeverAnswersHeartbeatsIsDropped() throws IOException {
        // a timeout long enough that the test's own sessions, which answer pings on their reader
        // threads, are not dropped on a loaded 2-core machine (300 ms was not)
        try (TestBus bus = TestBus.start(2, b -> b.heartbeat(Duration.ofMillis(250), Duration.ofMillis(1500)));
                TestPlugin watcher = bus.plugin(Via.MEMORY).registered("watcher", 1);
                TestPlugin alive = bus.plugin(Via.TCP).registered("alive", 1);
                SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            Stream stream = watcher.watch();
            TestPlugin.snapshot(stream);
            silent.connect(UnixDomainSocketAddress.of(((BusAddress.Unix) bus.unix()).path()));
            silent.write(Preamble.ours(Limits.defaults()).encode());
            silent.write(bytes(0x50, 0x00, 0x09, 0x06, 's', 'i', 'l', 'e', 'n', 't', 0x00, 0x01)); // register "silent" 1
            long start = System.nanoTime();
            assertThat(TestPlugin.event(stream)).isEqualTo(Event.joined(PluginInfo.of("silent", 1)));
            ByteBuffer sink = ByteBuffer.allocate(4096);
            while (silent.read(sink.clear()) >= 0) {
                // reads what the server sends (its preamble, credit, pings) and never answers
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsedMillis).as("interval + timeout").isGreaterThanOrEqualTo(1730);
            assertThat(TestPlugin.event(stream)).isEqualTo(Event.left(PluginInfo.of("silent", 1)));
            assertThat(bus.stats().heartbeatTimeouts()).isEqualTo(1);
            assertThat(alive.session.isOpen()).as("a session answers pings by itself").isTrue();
            assertThat(watcher.query()).isEqualTo(PluginList.of(PluginInfo.of("alive", 1)));
        }
    }

    @Test
    void shutdownEndsRelaysAndConnectionStreamsWithShutdownAndRemovesTheSocket() {
        TestBus bus = TestBus.start(2);
        Path socket = ((BusAddress.Unix) bus.unix()).path();
        try (TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 1)) {
            Duplex aToB = a.connect(ConnectRequest.to("b"));
            Duplex atB = b.accept();
            next(aToB);
            Stream stream = a.watch();
            TestPlugin.snapshot(stream);
            assertThat(Files.exists(socket)).isTrue();
            bus.close();
            assertBroken(aToB, bytes(0x01, 0x0b));
            assertBroken(atB, bytes(0x01, 0x0b));
            assertThatThrownBy(() -> stream.receive(TestPlugin.WAIT)).isInstanceOfSatisfying(EndedException.class,
                    e -> assertThat(e.reason()).isEqualTo(bytes(0x01, 0x0b)));
            await().atMost(TestPlugin.WAIT).until(() -> !a.session.isOpen() && !b.session.isOpen());
            assertThat(Files.exists(socket)).isFalse();
        } finally {
            bus.close();
        }
    }
}
