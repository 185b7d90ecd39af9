package io.minbus.client;

import static io.minbus.client.FakeBus.done;
import static io.minbus.client.FakeBus.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.mux.Duplex;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.Reason;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connecting to a plugin (docs/minbus.md §8.1-§8.3) against a scripted bus. */
@Timeout(30)
class ConnectTest {

    private static Throwable refusedWith(ErrorPayload error, int minVersion) throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            CompletableFuture<Channel> c = f.async(() -> minVersion < 0 ? f.client.connect("kv")
                    : f.client.connect("kv", minVersion));
            Duplex d = f.expectConnect(minVersion < 0 ? ConnectRequest.to("kv") : ConnectRequest.to("kv", minVersion));
            FakeBus.refuse(d, error);
            try {
                done(c);
                throw new AssertionError("connected despite " + error);
            } catch (java.util.concurrent.ExecutionException e) {
                return e.getCause();
            }
        }
    }

    @Test
    void noSuchPlugin() throws Exception {
        assertThat(refusedWith(ErrorPayload.of(Reason.NO_SUCH_PLUGIN), -1))
                .isInstanceOf(NoSuchPluginException.class)
                .hasMessageContaining("no plugin named \"kv\"")
                .satisfies(e -> assertThat(((NoSuchPluginException) e).target()).isEqualTo("kv"));
    }

    @Test
    void versionTooLowCarriesTheTargetsVersion() throws Exception {
        assertThat(refusedWith(ErrorPayload.versionTooLow(2), 5))
                .isInstanceOfSatisfying(VersionTooLowException.class, e -> {
                    assertThat(e.targetVersion()).isEqualTo(2);
                    assertThat(e.minVersion()).isEqualTo(5);
                    assertThat(e.reason()).isEqualTo(Reason.VERSION_TOO_LOW);
                })
                .hasMessageContaining("has version 2, below the minimum 5");
    }

    @Test
    void deniedByTheTarget() throws Exception {
        assertThat(refusedWith(ErrorPayload.of(Reason.REFUSED), -1))
                .isExactlyInstanceOf(ConnectionRefusedException.class)
                .satisfies(e -> assertThat(((ConnectionRefusedException) e).isDenied()).isTrue())
                .hasMessageContaining("denied");
    }

    @Test
    void resourceShortagesAndDuplicatesAreRefusals() throws Exception {
        for (Reason r : new Reason[] {Reason.RELAY_LIMIT, Reason.TARGET_RELAY_LIMIT, Reason.NO_RESOURCES}) {
            assertThat(refusedWith(ErrorPayload.of(r), -1)).isExactlyInstanceOf(ConnectionRefusedException.class)
                    .satisfies(e -> {
                        assertThat(((ConnectionRefusedException) e).reason()).isEqualTo(r);
                        assertThat(((ConnectionRefusedException) e).reason().isResourceShortage()).isTrue();
                    });
        }
        assertThat(refusedWith(ErrorPayload.of(Reason.UNEXPECTED), -1))
                .isExactlyInstanceOf(ConnectionRefusedException.class).hasMessageContaining("still open");
    }

    @Test
    void acceptedThenDataBothWaysAndRelayedEnds() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            CompletableFuture<Channel> c = f.async(() -> f.client.connect("kv"));
            f.answerNameless();
            Duplex d = f.expectConnect(ConnectRequest.to("kv"));
            d.send(ByteBuffer.allocate(0)); // accepted
            Channel ch = done(c);
            assertThat(ch.peerName()).isEqualTo("kv");
            assertThat(ch.peerVersion()).isEmpty();
            ch.send(text("ping"));
            assertThat(text(d.receive())).isEqualTo("ping");
            d.send(text("pong"));
            assertThat(text(ch.receive())).isEqualTo("pong");
            // the bus relays kv's close as 00 + kv's payload; the client strips the 00
            d.close(FakeBus.relayed("bye"));
            assertThatThrownBy(ch::receive).isInstanceOfSatisfying(ChannelClosedException.class, e -> {
                assertThat(text(e.reason())).isEqualTo("bye");
                assertThat(e.cancelled()).isFalse();
            });
            assertThat(ch.closeReason().map(FakeBus::text)).contains("bye");
            assertThat(ch.isBroken()).isFalse();
            // we may still send after the other side closed; then we close with our own reason
            ch.send(text("last"));
            ch.close(text("done"));
            assertThat(text(d.receive())).isEqualTo("last");
            assertThatThrownBy(d::receive).isInstanceOfSatisfying(io.minbus.mux.EndedException.class,
                    e -> assertThat(text(e.reason())).isEqualTo("done"));
        }
    }

    @Test
    void aCancelFromTheOtherSideStopsOurSends() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            CompletableFuture<Channel> c = f.async(() -> f.client.connect("kv"));
            Duplex d = f.expectConnect(ConnectRequest.to("kv"));
            d.send(ByteBuffer.allocate(0));
            Channel ch = done(c);
            d.cancel(FakeBus.relayed("enough"));
            org.awaitility.Awaitility.await().until(() -> {
                try {
                    ch.send(text("x"));
                    return false;
                } catch (ChannelClosedException e) {
                    return e.cancelled() && text(e.reason()).equals("enough");
                }
            });
        }
    }

    @Test
    void theBusBreakingTheChannelIsTypedAfterTheDataBefore() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            CompletableFuture<Channel> c = f.async(() -> f.client.connect("kv"));
            Duplex d = f.expectConnect(ConnectRequest.to("kv"));
            d.send(ByteBuffer.allocate(0));
            Channel ch = done(c);
            d.send(text("one"));
            d.send(text("two"));
            FakeBus.refuse(d, Reason.REFUSED); // cleanup: kv went away (01)
            assertThat(text(ch.receive())).isEqualTo("one");
            assertThat(text(ch.receive())).isEqualTo("two");
            assertThatThrownBy(ch::receive).isInstanceOfSatisfying(ChannelBrokenException.class,
                    e -> assertThat(e.reason()).contains(Reason.REFUSED)).hasMessageContaining("went away");
            assertThat(ch.isBroken()).isTrue();
            assertThat(ch.closeReason()).isEmpty();
            assertThatThrownBy(() -> ch.send(text("x"))).isInstanceOf(ChannelBrokenException.class);
            ch.close(); // never throws
        }
    }

    @Test
    void shutdownBreaksChannelsWithItsOwnReason() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            CompletableFuture<Channel> c = f.async(() -> f.client.connect("kv"));
            Duplex d = f.expectConnect(ConnectRequest.to("kv"));
            d.send(ByteBuffer.allocate(0));
            Channel ch = done(c);
            FakeBus.refuse(d, Reason.SHUTDOWN);
            assertThatThrownBy(ch::receive).isInstanceOfSatisfying(ChannelBrokenException.class,
                    e -> assertThat(e.reason()).contains(Reason.SHUTDOWN)).hasMessageContaining("shutting down");
        }
    }

    @Test
    void aNonEmptyAcceptanceIsAProtocolError() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            CompletableFuture<Channel> c = f.async(() -> f.client.connect("kv"));
            Duplex d = f.expectConnect(ConnectRequest.to("kv"));
            d.send(text("hello"));
            assertThatThrownBy(() -> done(c)).cause().isInstanceOf(MinBusException.class)
                    .hasMessageContaining("§8.3");
        }
    }
}
