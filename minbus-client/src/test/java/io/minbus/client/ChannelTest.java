package io.minbus.client;

import static io.minbus.client.FakeBus.done;
import static io.minbus.client.FakeBus.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.mux.Duplex;
import io.minbus.mux.SessionConfig;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Channels: back-pressure, byte views, pings, and a lost bus, against a scripted bus. */
@Timeout(30)
class ChannelTest {
    /** A bus side that grants 7 bytes at a time and writes 5-byte chunks. */
    static final SessionConfig TINY = SessionConfig.builder().window(7).chunkSize(5).name("tiny-bus").build();

    private static Channel connected(FakeBus f, Duplex[] busSide) throws Exception {
        f.registered("me", 1);
        CompletableFuture<Channel> c = f.async(() -> f.client.connect("kv"));
        busSide[0] = f.expectConnect(ConnectRequest.to("kv"));
        busSide[0].send(ByteBuffer.allocate(0));
        return done(c);
    }

    @Test
    void sendWaitsForCreditAndTrySendDoesNot() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ChannelTest.sendWaitsForCreditAndTrySendDoesNot: seed " + seed);
        Random random = new Random(seed);
        try (FakeBus f = FakeBus.start(SessionConfig.builder().window(7).chunkSize(5).name("tiny-client").build(), TINY)) {
            Duplex[] d = new Duplex[1];
            Channel ch = connected(f, d);
            byte[] big = new byte[1000 + random.nextInt(3000)];
            random.nextBytes(big);
            assertThat(ch.trySend(ByteBuffer.wrap(big))).isFalse(); // 7 bytes of credit at most
            CompletableFuture<Void> sending = f.async(() -> {
                ch.send(ByteBuffer.wrap(big));
                return null;
            });
            assertThat(d[0].receive()).isEqualTo(ByteBuffer.wrap(big)); // arrives whole
            done(sending);
            // the other way: the client's 7-byte window; the bus side blocks until the client reads
            byte[] back = new byte[500 + random.nextInt(500)];
            random.nextBytes(back);
            CompletableFuture<Void> replying = f.async(() -> {
                d[0].send(ByteBuffer.wrap(back));
                return null;
            });
            assertThat(ch.receive()).isEqualTo(ByteBuffer.wrap(back));
            done(replying);
            assertThat(ch.trySend(ByteBuffer.allocate(3))).isTrue();
        }
    }

    @Test
    void byteViewsEndAtTheOtherSidesCloseAndFailWhenBroken() throws Exception {
        try (FakeBus f = FakeBus.start(SessionConfig.builder().window(7).chunkSize(5).name("tiny-client").build(), TINY)) {
            Duplex[] d = new Duplex[1];
            Channel ch = connected(f, d);
            OutputStream out = ch.outputStream();
            out.write("hello, bus".getBytes());
            out.close();
            assertThat(text(d[0].receive())).isEqualTo("hello, bus");
            assertThatThrownBy(d[0]::receive).isInstanceOf(io.minbus.mux.EndedException.class);
            d[0].send(text("abc"));
            d[0].send(text("defgh"));
            d[0].close(FakeBus.relayed(""));
            try (InputStream in = ch.inputStream()) {
                assertThat(new String(in.readAllBytes())).isEqualTo("abcdefgh");
                assertThat(in.read()).isEqualTo(-1);
            }
        }
        try (FakeBus f = FakeBus.start()) {
            Duplex[] d = new Duplex[1];
            Channel ch = connected(f, d);
            d[0].send(text("partial"));
            FakeBus.refuse(d[0], Reason.REFUSED);
            InputStream in = ch.inputStream();
            byte[] first = new byte[7];
            assertThat(in.readNBytes(first, 0, 7)).isEqualTo(7);
            assertThat(new String(first)).isEqualTo("partial");
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("went away");
            assertThatThrownBy(() -> ch.outputStream().write(1)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void pingIsAnsweredThroughTheBus() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Duplex[] d = new Duplex[1];
            Channel ch = connected(f, d);
            assertThat(ch.ping(FakeBus.WAIT)).isTrue();
            d[0].close(FakeBus.relayed(""));
            org.awaitility.Awaitility.await().until(() -> ch.closeReason().isPresent());
            assertThat(ch.ping(Duration.ofMillis(50))).isFalse(); // nothing left to ping
            assertThat(ch.isBroken()).isFalse();
        }
    }

    @Test
    void anUnansweredPingBreaksTheChannel() throws Exception {
        try (FakeBus f = FakeBus.start(SessionConfig.builder().name("client").heartbeatInterval(Duration.ZERO).build(),
                SessionConfig.builder().name("bus").heartbeatInterval(Duration.ZERO).build())) {
            Duplex[] d = new Duplex[1];
            Channel ch = connected(f, d);
            f.busTransport.freeze(); // the bus stops answering anything
            assertThat(ch.ping(Duration.ofMillis(100))).isFalse();
            assertThat(ch.isBroken()).isTrue();
            assertThatThrownBy(ch::receive).isInstanceOf(ChannelBrokenException.class);
        }
    }

    @Test
    void aLostBusIsTypedEverywhere() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Duplex[] d = new Duplex[1];
            Channel ch = connected(f, d);
            Watch w = f.client.watch();
            f.expectOpened(io.minbus.mux.Sink.class).send(io.minbus.protocol.PluginList.of().encode());
            assertThat(w.next()).isInstanceOf(WatchEvent.Snapshot.class);
            d[0].send(text("in flight"));
            f.bus.close(); // the bus is gone
            assertThat(text(ch.receive())).isEqualTo("in flight"); // delivered first
            assertThatThrownBy(ch::receive).isInstanceOf(BusGoneException.class).hasMessageContaining("lost");
            assertThatThrownBy(() -> ch.send(text("x"))).isInstanceOf(BusGoneException.class);
            assertThatThrownBy(w::next).isInstanceOf(BusGoneException.class);
            assertThatThrownBy(f.client::plugins).isInstanceOf(BusGoneException.class);
            assertThatThrownBy(() -> f.client.connect("kv")).isInstanceOf(BusGoneException.class);
            assertThat(ch.isBroken()).isTrue();
            assertThat(f.client.isOpen()).isFalse();
            ch.close();
            w.close();
        }
    }

    @Test
    void aSilentBusIsNoticedByHeartbeats() throws Exception {
        SessionConfig quick = SessionConfig.builder().name("client").heartbeatInterval(Duration.ofMillis(100))
                .heartbeatTimeout(Duration.ofMillis(300)).build();
        try (FakeBus f = FakeBus.start(quick, SessionConfig.builder().name("bus").heartbeatInterval(Duration.ZERO).build())) {
            Plugin p = f.registered("kv", 1);
            f.busTransport.freeze();
            long start = System.nanoTime();
            assertThatThrownBy(p::accept).isInstanceOf(BusGoneException.class).hasMessageContaining("heartbeat");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isLessThan(5_000);
        }
    }

    @Test
    void largeMessagesKeepTheirBoundaries() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ChannelTest.largeMessagesKeepTheirBoundaries: seed " + seed);
        Random random = new Random(seed);
        try (FakeBus f = FakeBus.start(SessionConfig.builder().window(1024).chunkSize(100).name("c").build(), TINY)) {
            Duplex[] d = new Duplex[1];
            Channel ch = connected(f, d);
            byte[][] messages = new byte[20][];
            for (int i = 0; i < messages.length; i++) {
                messages[i] = new byte[random.nextInt(300)];
                random.nextBytes(messages[i]);
            }
            CompletableFuture<Void> sender = f.async(() -> {
                for (byte[] m : messages) {
                    ch.send(ByteBuffer.wrap(m));
                }
                ch.close(ByteBuffer.allocate(0));
                return null;
            });
            for (byte[] m : messages) {
                ByteBuffer got = d[0].receive();
                byte[] bytes = new byte[got.remaining()];
                got.get(bytes);
                assertThat(Arrays.equals(bytes, m)).isTrue();
            }
            done(sender);
        }
    }
}
