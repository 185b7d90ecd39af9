package io.minbus.server;

import static io.minbus.server.TestPlugin.bytes;
import static io.minbus.server.TestPlugin.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.Entity;
import io.minbus.mux.Half;
import io.minbus.mux.SessionConfig;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.IncomingConnection;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.server.TestBus.Via;
import io.minbus.wire.Limits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/minbus.md §8-§9: connect, accept and deny, the checks of §8.2, relayed data, ends and pings. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectTest {

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Asserts the initiator's duplex was refused: closed and cancelled with {@code payload}. */
    private static void assertRefused(Duplex d, ByteBuffer payload) {
        assertThatThrownBy(() -> d.receive(TestPlugin.WAIT))
                .isInstanceOfSatisfying(EndedException.class, e -> assertThat(e.reason()).isEqualTo(payload));
        await().atMost(TestPlugin.WAIT).until(() -> d.cancelReason().isPresent());
        assertThat(d.cancelReason()).contains(payload);
    }

    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 2})
    void aConnectionIsAcceptedAndCarriesDataBothWaysThenEndsAreRelayed(int loops) {
        try (TestBus bus = TestBus.start(loops);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 5);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 2)) {
            Duplex da = a.connect(ConnectRequest.to("b", 2));
            Duplex db = b.incoming();
            assertThat(TestPlugin.initiator(db)).isEqualTo(Registration.named("a", 5));
            db.send(ByteBuffer.allocate(0)); // accept
            assertThat(next(da).remaining()).as("acceptance").isZero();
            da.send(text("hello"));
            da.send(ByteBuffer.allocate(0));
            assertThat(next(db)).isEqualTo(text("hello"));
            assertThat(next(db).remaining()).as("a relayed zero-length message").isZero();
            db.send(text("world"));
            assertThat(next(da)).isEqualTo(text("world"));
            da.close(text("bye"));
            assertThatThrownBy(() -> db.receive(TestPlugin.WAIT)).isInstanceOfSatisfying(EndedException.class,
                    e -> assertThat(e.reason()).isEqualTo(bytes(0x00, 'b', 'y', 'e')));
            db.cancel(text("enough")); // b cancels the half it reads... already closed: a no-op
            db.close(text("done"));
            assertThatThrownBy(() -> da.receive(TestPlugin.WAIT)).isInstanceOfSatisfying(EndedException.class,
                    e -> assertThat(e.reason()).isEqualTo(bytes(0x00, 'd', 'o', 'n', 'e')));
            da.cancel(ByteBuffer.allocate(0));
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().openRelays() == 0);
            assertThat(bus.stats().relayBytesBuffered()).isZero();
        }
    }

    @Test
    void aCancelIsRelayedWithItsPayload() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin b = bus.plugin(Via.MEMORY).registered("b", 1)) {
            Duplex da = a.connect(ConnectRequest.to("b"));
            Duplex db = b.accept();
            next(da);
            db.cancel(text("stop"));
            await().atMost(TestPlugin.WAIT).until(() -> da.cancelReason().isPresent());
            assertThat(da.cancelReason()).contains(bytes(0x00, 's', 't', 'o', 'p'));
            db.send(text("still fine the other way"));
            assertThat(next(da)).isEqualTo(text("still fine the other way"));
        }
    }

    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 2})
    void aDenialReachesTheInitiatorAs01(int loops) {
        try (TestBus bus = TestBus.start(loops);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 1)) {
            Duplex da = a.connect(ConnectRequest.to("b"));
            Duplex db = b.incoming();
            db.close(ByteBuffer.allocate(0));
            db.cancel(ByteBuffer.allocate(0));
            assertRefused(da, bytes(0x01));
            assertThat(bus.stats().refusals(Reason.REFUSED)).isEqualTo(1);
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().openRelays() == 0);
            Duplex again = a.connect(ConnectRequest.to("b")); // the relay no longer exists
            b.accept();
            assertThat(next(again).remaining()).isZero();
        }
    }

    @Test
    void aCloseAloneFromTheTargetIsADenialAndTheServerEndsTheOtherHalf() {
        try (TestBus bus = TestBus.start(1);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin b = bus.plugin().registered("b", 1)) {
            Duplex da = a.connect(ConnectRequest.to("b"));
            Duplex db = b.incoming();
            db.close(text("no"));
            assertRefused(da, bytes(0x01));
            assertThatThrownBy(() -> db.receive(TestPlugin.WAIT)).isInstanceOfSatisfying(EndedException.class,
                    e -> assertThat(e.reason().remaining()).isZero());
        }
    }

    @Test
    void theChecksOfSection82() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 3)) {
            assertRefused(a.connect(ConnectRequest.to("nobody")), bytes(0x01, 0x01));
            assertRefused(a.connect(ConnectRequest.to("b", 4)), ErrorPayload.versionTooLow(3).encode());
            assertRefused(a.session.openDuplex(bytes(0x00, 0x02, 'b')), bytes(0x01, 0x03));
            assertRefused(a.session.openDuplex(bytes(0x00, 0x00)), bytes(0x01, 0x03));
            Duplex first = a.connect(ConnectRequest.to("b", 3));
            b.incoming(); // not accepted yet: the relay exists from the connect
            assertRefused(a.connect(ConnectRequest.to("b")), ByteBuffer.allocate(0));
            Duplex reverse = b.connect(ConnectRequest.to("a")); // b->a is another relay
            a.accept();
            assertThat(next(reverse).remaining()).isZero();
            assertThat(bus.stats().refusals())
                    .containsEntry(Reason.NO_SUCH_PLUGIN, 1L)
                    .containsEntry(Reason.VERSION_TOO_LOW, 1L)
                    .containsEntry(Reason.MALFORMED, 2L)
                    .containsEntry(Reason.UNEXPECTED, 1L);
            first.cancel(ByteBuffer.allocate(0));
        }
    }

    @Test
    void aRelayExistsUntilBothDirectionsEnded() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 1)) {
            Duplex da = a.connected0("b", b);
            da.close(ByteBuffer.allocate(0)); // a->b ended
            assertRefused(a.connect(ConnectRequest.to("b")), ByteBuffer.allocate(0));
            da.cancel(ByteBuffer.allocate(0)); // b->a ended too
            await().atMost(TestPlugin.WAIT).untilAsserted(() -> {
                Duplex again = a.connect(ConnectRequest.to("b"));
                Duplex db = b.incoming();
                db.send(ByteBuffer.allocate(0));
                assertThat(next(again).remaining()).isZero();
            });
        }
    }

    @Test
    void namelessInitiatorsAndConnectionsToOneself() {
        try (TestBus bus = TestBus.start(1);
                TestPlugin client = bus.plugin(Via.MEMORY);
                TestPlugin kv = bus.plugin().registered("kv", 1)) {
            assertThat(client.register(Registration.nameless(7)).isAccepted()).isTrue();
            Duplex dc = client.connect(ConnectRequest.to("kv"));
            Duplex incoming = kv.incoming();
            assertThat(IncomingConnection.decode(incoming.opening()).initiator()).isEqualTo(Registration.nameless(7));
            assertThat(incoming.opening()).isEqualTo(bytes(0x00, 0x00, 0x00, 0x07));
            incoming.send(ByteBuffer.allocate(0));
            assertThat(next(dc).remaining()).isZero();
            Duplex self = kv.connect(ConnectRequest.to("kv"));
            Duplex selfIncoming = kv.accept();
            assertThat(next(self).remaining()).isZero();
            self.send(text("me"));
            assertThat(next(selfIncoming)).isEqualTo(text("me"));
        }
    }

    @Test
    void relayLimitsAnswerOnTheConnectDuplex() {
        ServerLimits limits = ServerLimits.builder().maxRelaysPerPlugin(2).relayBuffer(1024).relayMemory(4 * 2048).build();
        try (TestBus bus = TestBus.start(2, limits);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin b = bus.plugin().registered("b", 1);
                TestPlugin c = bus.plugin().registered("c", 1);
                TestPlugin d = bus.plugin().registered("d", 1);
                TestPlugin e = bus.plugin().registered("e", 1)) {
            a.connected0("b", b);
            a.connected0("c", c);
            assertRefused(a.connect(ConnectRequest.to("d")), bytes(0x00, 0x07));
            d.connected0("b", b);
            assertRefused(e.connect(ConnectRequest.to("b")), bytes(0x00, 0x08));
            e.connected0("c", c); // the fourth relay: relay_memory holds four
            assertRefused(e.connect(ConnectRequest.to("d")), bytes(0x00));
            assertThat(bus.stats().openRelays()).isEqualTo(4);
        }
    }

    @Test
    void theTargetsDeclaredMaxEntitiesIsRespected() {
        Limits small = Limits.defaults().withMaxEntities(1);
        try (TestBus bus = TestBus.start(1);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin c = bus.plugin().registered("c", 1);
                TestPlugin b = bus.plugin(Via.UNIX, SessionConfig.builder().heartbeatInterval(Duration.ZERO)
                        .limits(small).build()).registered("b", 1)) {
            a.connected0("b", b);
            assertRefused(c.connect(ConnectRequest.to("b")), bytes(0x00, 0x08));
        }
    }

    @Test
    void aMessageLargerThanTheReceiversMaxMessageIsRefused() {
        Limits small = Limits.defaults().withMaxFrame(1024).withMaxMessage(4096);
        try (TestBus bus = TestBus.start(2);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP, SessionConfig.builder().heartbeatInterval(Duration.ZERO)
                        .limits(small).build()).registered("b", 1)) {
            Duplex da = a.connect(ConnectRequest.to("b"));
            Duplex db = b.accept();
            next(da);
            da.send(ByteBuffer.allocate(4096));
            assertThat(next(db).remaining()).isEqualTo(4096);
            da.send(ByteBuffer.allocate(4097));
            assertThatThrownBy(() -> db.receive(TestPlugin.WAIT)).isInstanceOfSatisfying(EndedException.class,
                    e -> assertThat(e.reason()).isEqualTo(bytes(0x01, 0x09)));
            await().atMost(TestPlugin.WAIT).until(() -> da.cancelReason().isPresent());
            assertThat(da.cancelReason()).contains(bytes(0x01, 0x09));
            db.send(text("the other direction still works"));
            assertThat(next(da)).isEqualTo(text("the other direction still works"));
        }
    }

    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 2})
    void pingsAreRelayedToTheOtherPlugin(int loops) {
        try (TestBus bus = TestBus.start(loops);
                TestPlugin a = bus.plugin().registered("a", 1);
                RawPeer b = RawPeer.start(bus.connect(Via.TCP))) {
            b.run(e -> e.grant(b.topRead(), 100));
            b.run(e -> e.send(b.topWrite(), Registration.named("b", 1).encode()));
            assertThat(RegistrationResult.decode(b.next("data", null).payload()).isAccepted()).isTrue();
            Duplex da = a.connect(ConnectRequest.to("b"));
            Entity incoming = b.next("opened", null).entity();
            b.run(e -> e.send(incoming.writeHalf().orElseThrow(), ByteBuffer.allocate(0)));
            assertThat(next(da).remaining()).isZero();
            assertThat(da.ping(TestPlugin.WAIT)).isTrue();
            RawPeer.Ev ping = b.next("pinged", incoming);
            assertThat(ping.half()).isSameAs(incoming.writeHalf().orElseThrow()); // a pinged the half it reads
        }
    }

    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 2})
    void aRelayedPingIsAnsweredOnlyWhenTheOtherPluginAnswers(int loops) throws Exception {
        try (TestBus bus = TestBus.start(loops);
                TestPlugin a = bus.plugin().registered("a", 1);
                RawPeer b = RawPeer.start(bus.connect(Via.UNIX))) {
            b.run(e -> e.grant(b.topRead(), 100));
            b.run(e -> e.send(b.topWrite(), Registration.named("b", 1).encode()));
            assertThat(RegistrationResult.decode(b.next("data", null).payload()).isAccepted()).isTrue();
            Duplex da = a.connect(ConnectRequest.to("b"));
            Entity incoming = b.next("opened", null).entity();
            Half bWrites = incoming.writeHalf().orElseThrow();
            b.run(e -> e.manualPongs(bWrites, true)); // b will answer pings by hand
            b.run(e -> e.send(bWrites, ByteBuffer.allocate(0)));
            assertThat(next(da).remaining()).isZero();
            java.util.concurrent.CompletableFuture<Boolean> answered =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> da.ping(java.time.Duration.ofSeconds(30)));
            b.next("pinged", incoming);
            assertThat(answered).as("the server must wait for b's pong").isNotDone();
            b.run(e -> e.pong(bWrites));
            assertThat(answered.get(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }
}
