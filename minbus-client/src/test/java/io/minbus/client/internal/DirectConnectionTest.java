package io.minbus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.client.Channel;
import io.minbus.client.ChannelBrokenException;
import io.minbus.client.ConnectionRefusedException;
import io.minbus.client.DirectUnavailableException;
import io.minbus.client.MinBus;
import io.minbus.client.NoSuchPluginException;
import io.minbus.client.Plugin;
import io.minbus.client.Route;
import io.minbus.mux.Session;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.DirectOffer;
import io.minbus.protocol.DirectPreamble;
import io.minbus.protocol.DirectRequest;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Ticket;
import io.minbus.protocol.Visibility;
import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Direct connections (docs/minbus.md §19) between SDK plugins, through a real bus, over real Unix sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectConnectionTest {
    @TempDir Path dir;
    MinBusServer server;
    BusAddress address;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startBus() {
        server = MinBusServer.builder().listen(new BusAddress.Unix(dir.resolve("bus.sock"))).loops(2).start();
        address = server.addresses().get(0);
    }

    @AfterEach
    void stopBus() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        server.close();
    }

    MinBus bus() {
        MinBus b = MinBus.connect(address);
        toClose.add(b);
        return b;
    }

    MinBus.Builder accepting() {
        return MinBus.builder().address(address).acceptDirect(true).directDirectory(dir.resolve("direct"));
    }

    Plugin echo(MinBus.Builder builder, String name) {
        MinBus b = builder.connect();
        toClose.add(b);
        Plugin p = b.register(name, 3);
        p.onConnect(channel -> {
            try {
                while (true) {
                    channel.send(channel.receive());
                }
            } catch (io.minbus.client.MinBusException e) {
                // the initiator closed, or the channel broke: the echo ends
            }
        });
        return p;
    }

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    static DirectTarget target(Plugin p) {
        return ((ClientConnection) p.bus()).direct().target().orElseThrow();
    }

    /** Polls a condition until it holds (at most 10 s): what Awaitility would do. */
    static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within 10 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** An offer obtained the way the SDK does, for tests that present tickets by hand. */
    static DirectOffer offer(MinBus initiator, String target) {
        ClientConnection c = (ClientConnection) initiator;
        c.ensureRegistered();
        return DirectOffer.decode(c.session().request(DirectRequest.of(ConnectRequest.to(target)).encode()).await());
    }

    /** Presents {@code ticket} on the direct socket; returns the answer and the transport (still open after 00). */
    static DirectPreamble.Answer present(DirectOffer offer, Ticket ticket, List<AutoCloseable> toClose) {
        Transport t = Transports.connect(new BusAddress.Unix(Path.of(offer.path())));
        toClose.add(t);
        t.write(new DirectPreamble(ticket).encode());
        ByteBuffer one = ByteBuffer.allocate(1);
        assertThat(t.read(one)).isOne();
        return DirectPreamble.Answer.decode(one.flip());
    }

    @Test
    void aDirectChannelEchoesAndSkipsTheRelay() {
        Plugin kv = echo(accepting(), "kv");
        MinBus client = bus();
        try (Channel c = client.connect("kv", Route.DIRECT)) {
            assertThat(c.isDirect()).isTrue();
            assertThat(c.peerName()).isEqualTo("kv");
            c.send(text("hello"));
            assertThat(text(c.receive())).isEqualTo("hello");
            for (int i = 0; i < 100; i++) {
                c.write(text("m" + i));
            }
            c.flush();
            for (int i = 0; i < 100; i++) {
                assertThat(text(c.receive())).isEqualTo("m" + i);
            }
        }
        assertThat(server.stats().relayedBytes()).as("nothing went through a relay").isZero();
        Path socket = target(kv).path().orElseThrow();
        assertThat(socket).exists().startsWith(dir.resolve("direct"));
        kv.close();
        assertThat(socket).as("the socket file is removed on close").doesNotExist();
    }

    @Test
    void deliverToWorksOnADirectChannel() throws Exception {
        echo(accepting(), "kv");
        MinBus client = bus();
        try (Channel c = client.connect("kv", Route.DIRECT)) {
            assertThat(c.isDirect()).isTrue();
            java.util.concurrent.LinkedBlockingQueue<String> taken = new java.util.concurrent.LinkedBlockingQueue<>();
            assertThat(c.deliverTo(m -> taken.add(text(m)))).isTrue();
            for (int i = 0; i < 50; i++) {
                c.send(text("m" + i)); // one at a time: a burst that arrives in one read waits for receive()
                assertThat(taken.poll(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void theTargetSeesTheInitiatorTheBusNamedAndMayDeny() throws Exception {
        MinBus b = accepting().connect();
        toClose.add(b);
        Plugin kv = b.register("kv", 3);
        MinBus logBus = bus();
        logBus.register("log", 7);
        var accepted = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            var in = kv.accept();
            assertThat(in.name()).isEqualTo("log");
            assertThat(in.version()).isEqualTo(7);
            in.deny();
            return true;
        });
        assertThatThrownBy(() -> logBus.connect("kv", Route.DIRECT))
                .isInstanceOf(ConnectionRefusedException.class)
                .isNotInstanceOf(DirectUnavailableException.class)
                .hasMessageContaining("denied the direct connection");
        assertThat(accepted.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aTargetThatDidNotOptInGetsARelayedChannelOrARefusal() {
        echo(MinBus.builder().address(address), "kv");
        MinBus client = bus();
        try (Channel c = client.connect("kv", Route.PREFER_DIRECT)) {
            assertThat(c.isDirect()).isFalse();
            c.send(text("relayed"));
            assertThat(text(c.receive())).isEqualTo("relayed");
        }
        assertThatThrownBy(() -> client.connect("kv", Route.DIRECT))
                .isInstanceOfSatisfying(DirectUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_DIRECT))
                .hasMessageContaining("acceptDirect");
    }

    @Test
    void aPluginThatMayNotSeeTheTargetGetsNoTicket() {
        MinBus b = accepting().connect();
        toClose.add(b);
        Plugin hidden = b.register("hidden", 1, Visibility.NEVER);
        MinBus client = bus();
        assertThatThrownBy(() -> client.connect("hidden", Route.DIRECT)).isInstanceOf(NoSuchPluginException.class);
        assertThatThrownBy(() -> client.connect("hidden", Route.PREFER_DIRECT))
                .isInstanceOf(NoSuchPluginException.class);
        assertThat(((ClientConnection) hidden.bus()).direct().target()).as("never asked").isEmpty();
    }

    @Test
    void wrongReplayedAndExpiredTicketsAreRefusedAndOnlyThatConnectionEnds() {
        Plugin kv = echo(accepting().directLimits(4, 4, Duration.ofMillis(300)), "kv");
        MinBus client = bus();
        Channel working = client.connect("kv", Route.DIRECT);
        toClose.add(working);

        DirectOffer offer = offer(bus(), "kv");
        assertThat(present(offer, Ticket.random(new SecureRandom()), toClose)).isEqualTo(DirectPreamble.Answer.REFUSED);
        assertThat(present(offer, offer.ticket(), toClose)).isEqualTo(DirectPreamble.Answer.ACCEPTED);
        assertThat(present(offer, offer.ticket(), toClose)).as("replayed").isEqualTo(DirectPreamble.Answer.REFUSED);

        DirectOffer late = offer(bus(), "kv");
        eventually(() -> target(kv).pendingTickets() == 0);
        assertThat(present(late, late.ticket(), toClose)).as("expired").isEqualTo(DirectPreamble.Answer.REFUSED);

        working.send(text("still here"));
        assertThat(text(working.receive())).isEqualTo("still here");
    }

    @Test
    void manyChannelsShareOneDirectSession() throws Exception {
        Plugin kv = echo(accepting(), "kv");
        MinBus client = bus();
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            channels.add(client.connect("kv", Route.DIRECT));
        }
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < channels.size(); i++) {
                Channel c = channels.get(i);
                String m = "channel " + i;
                answers.add(pool.submit(() -> {
                    c.send(text(m));
                    return text(c.receive());
                }));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("channel " + i);
            }
        }
        assertThat(((ClientConnection) client).direct().openLinks()).isOne();
        assertThat(target(kv).sessions()).isOne();
        channels.forEach(Channel::close);
    }

    @Test
    void whenTheTargetClosesTheInitiatorSeesABrokenChannelAndNothingLeaks() {
        Plugin kv = echo(accepting(), "kv");
        MinBus client = bus();
        Channel c = client.connect("kv", Route.DIRECT);
        c.send(text("one"));
        assertThat(text(c.receive())).isEqualTo("one");
        Path socket = target(kv).path().orElseThrow();
        kv.close();
        assertThatThrownBy(c::receive).isInstanceOf(ChannelBrokenException.class)
                .hasMessageContaining("direct connection ended");
        assertThat(c.isBroken()).isTrue();
        assertThat(socket).doesNotExist();
        eventually(() -> target(kv).sessions() == 0); // the target's session ends on its own reader thread
        eventually(() -> ((ClientConnection) client).direct().openLinks() == 0);
        // the bus drops the name when it sees kv's connection end, which may come after the channel broke
        eventually(() -> client.plugins().stream().noneMatch(p -> p.name().equals("kv")));
        assertThatThrownBy(() -> client.connect("kv", Route.DIRECT)).isInstanceOf(NoSuchPluginException.class);
    }

    @Test
    void aNewTargetUnderTheSameNameIsIntroducedAgain() {
        Plugin first = echo(accepting(), "kv");
        MinBus client = bus();
        Channel c = client.connect("kv", Route.DIRECT);
        first.close();
        assertThatThrownBy(c::receive).isInstanceOf(ChannelBrokenException.class);
        // the name is free once the bus has seen the first kv's connection end (it may come after the break)
        eventually(() -> client.plugins().stream().noneMatch(p -> p.name().equals("kv")));
        echo(accepting(), "kv");
        try (Channel again = client.connect("kv", Route.DIRECT)) {
            again.send(text("new"));
            assertThat(text(again.receive())).isEqualTo("new");
        }
    }

    @Test
    void theTicketLimitMakesTheTargetBusy() {
        echo(accepting().directLimits(4, 1, Duration.ofMinutes(1)), "kv");
        offer(bus(), "kv"); // holds the only ticket
        assertThatThrownBy(() -> bus().connect("kv", Route.DIRECT))
                .isInstanceOfSatisfying(DirectUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.DIRECT_BUSY));
        try (Channel relayed = bus().connect("kv", Route.PREFER_DIRECT)) {
            assertThat(relayed.isDirect()).isFalse();
        }
    }

    @Test
    void theSessionLimitMakesTheTargetBusy() {
        Plugin kv = echo(accepting().directLimits(1, 4, Duration.ofMinutes(1)), "kv");
        Channel first = bus().connect("kv", Route.DIRECT);
        toClose.add(first);
        assertThatThrownBy(() -> bus().connect("kv", Route.DIRECT))
                .isInstanceOfSatisfying(DirectUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.DIRECT_BUSY))
                .hasMessageContaining("as many direct connections");
        assertThat(target(kv).sessions()).isOne();
        first.send(text("ok"));
        assertThat(text(first.receive())).isEqualTo("ok");
    }

    @Test
    void aPluginOnAnotherMachineGetsNoDirectConnection() {
        try (MinBusServer both = MinBusServer.builder().listen(new BusAddress.Unix(dir.resolve("both.sock")))
                .listen(new BusAddress.Tcp("127.0.0.1", 0)).start()) {
            MinBus local = MinBus.builder().address(both.addresses().get(0)).acceptDirect(true)
                    .directDirectory(dir.resolve("direct2")).connect();
            toClose.add(local);
            local.register("kv", 1).onConnect(c -> c.send(c.receive()));
            MinBus overTcp = MinBus.connect(both.addresses().get(1));
            toClose.add(overTcp);
            assertThatThrownBy(() -> overTcp.connect("kv", Route.DIRECT))
                    .isInstanceOfSatisfying(DirectUnavailableException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NO_DIRECT));
            try (Channel relayed = overTcp.connect("kv", Route.PREFER_DIRECT)) {
                assertThat(relayed.isDirect()).isFalse();
                relayed.send(text("x"));
                assertThat(text(relayed.receive())).isEqualTo("x");
            }
            assertThat(((ClientConnection) local).direct().target()).as("never asked").isEmpty();
        }
    }

    @Test
    void theDirectoryIsPrivate() throws Exception {
        Plugin kv = echo(accepting(), "kv");
        bus().connect("kv", Route.DIRECT).close();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("direct")))).isEqualTo("rwx------");
        assertThat(target(kv).path()).isPresent();
    }
}
