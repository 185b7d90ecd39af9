package io.minbus.client;

import static io.minbus.client.FakeBus.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.mux.SessionConfig;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Reason;
import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.transport.BusAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against the real {@link MinBusServer} over Unix sockets. */
@Timeout(60)
class RealBusTest {
    @TempDir Path dir;
    MinBusServer server;
    BusAddress address;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void startBus() {
        server = MinBusServer.builder().listen(new BusAddress.Unix(dir.resolve("bus.sock")))
                .limits(ServerLimits.builder().relayBuffer(64).relayBufferMax(256).build()).loops(2).start();
        address = server.addresses().get(0);
    }

    @AfterEach
    void stopBus() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        server.close();
        pool.shutdownNow();
    }

    MinBus bus() {
        MinBus b = MinBus.connect(address);
        toClose.add(b);
        return b;
    }

    MinBus tinyBus() {
        MinBus b = MinBus.builder().address(address)
                .session(SessionConfig.builder().window(7).chunkSize(5).name("tiny").build()).connect();
        toClose.add(b);
        return b;
    }

    Plugin plugin(String name, int version) {
        return bus().register(name, version);
    }

    <T> T within(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void discoveryListsOthersInRegistrationOrderButNotNamelessClients() {
        Plugin kv = plugin("kv", 3);
        plugin("log", 1);
        MinBus client = bus();
        assertThat(client.plugins()).containsExactly(new PluginInfo("kv", 3), new PluginInfo("log", 1));
        // a plugin does not list itself; the nameless client is never listed
        assertThat(kv.bus().plugins()).containsExactly(new PluginInfo("log", 1));
        assertThat(server.stats().namelessClients()).isEqualTo(1);
    }

    @Test
    void deliverToTakesRelayedMessagesOnTheReaderThreadAndReceiveStillSeesTheEnd() throws Exception {
        Plugin kv = plugin("kv", 3);
        Plugin caller = plugin("caller", 2);
        CompletableFuture<Channel> outgoing = CompletableFuture.supplyAsync(() -> caller.connect("kv", 2), pool);
        Channel served = kv.accept(Duration.ofSeconds(10)).orElseThrow().accept();
        Channel ch = within(outgoing);
        java.util.concurrent.LinkedBlockingQueue<String> taken = new java.util.concurrent.LinkedBlockingQueue<>();
        assertThat(served.deliverTo(m -> !text(m).equals("decline") && taken.add(text(m)))).isTrue();
        // 600 messages of 1 KiB: far over the 64-byte relay buffer (grown at most to 256), so credit must
        // come back; one at a time, as a burst that arrives in one read waits for receive()
        for (int i = 0; i < 600; i++) {
            ch.send(text(("m" + i + " ").repeat(100)));
            assertThat(taken.poll(20, TimeUnit.SECONDS)).isEqualTo(("m" + i + " ").repeat(100));
        }
        ch.send(text("decline"));
        ch.send(text("after"));
        assertThat(text(served.receive())).isEqualTo("decline");
        assertThat(text(served.receive())).isEqualTo("after");
        assertThat(served.deliverTo(m -> taken.add(text(m)))).isTrue();
        ch.send(text("armed again"));
        assertThat(taken.poll(20, TimeUnit.SECONDS)).isEqualTo("armed again");
        ch.close(text("done"));
        assertThatThrownBy(served::receive).isInstanceOfSatisfying(ChannelClosedException.class,
                e -> assertThat(text(e.reason())).isEqualTo("done"));
        assertThat(served.deliverTo(m -> true)).as("the half we read ended").isFalse();
    }

    @Test
    void connectAcceptAndDataBothWaysWithRelayedReasons() throws Exception {
        Plugin kv = plugin("kv", 3);
        Plugin caller = plugin("caller", 2);
        CompletableFuture<Channel> outgoing = CompletableFuture.supplyAsync(() -> caller.connect("kv", 2), pool);
        IncomingConnection in = kv.accept(Duration.ofSeconds(10)).orElseThrow();
        assertThat(in.name()).isEqualTo("caller");
        assertThat(in.version()).isEqualTo(2);
        Channel served = in.accept();
        Channel ch = within(outgoing);
        ch.send(text("get x"));
        assertThat(text(served.receive())).isEqualTo("get x");
        served.send(text("42"));
        assertThat(text(ch.receive())).isEqualTo("42");
        ch.cancel(text("no more"));
        org.awaitility.Awaitility.await().until(() -> {
            try {
                served.send(text("x"));
                return false;
            } catch (ChannelClosedException e) {
                return e.cancelled() && text(e.reason()).equals("no more");
            }
        });
        ch.close(text("done"));
        assertThatThrownBy(served::receive).isInstanceOfSatisfying(ChannelClosedException.class,
                e -> assertThat(text(e.reason())).isEqualTo("done"));
        // the other way round on a second channel: the target closes with a reason
        CompletableFuture<Channel> second = CompletableFuture.supplyAsync(() -> caller.connect("kv"), pool);
        Channel served2 = kv.accept().accept();
        Channel ch2 = within(second);
        served2.close(text("bye"));
        assertThatThrownBy(ch2::receive).isInstanceOfSatisfying(ChannelClosedException.class,
                e -> assertThat(text(e.reason())).isEqualTo("bye"));
        assertThat(ch2.closeReason().map(FakeBus::text)).contains("bye");
        assertThat(ch.ping(Duration.ofMillis(100))).isFalse(); // both halves have ended
    }

    @Test
    void denyVersionTooLowNoSuchPluginAndNameTaken() throws Exception {
        Plugin kv = plugin("kv", 3);
        MinBus client = bus();
        CompletableFuture<Channel> denied = CompletableFuture.supplyAsync(() -> client.connect("kv"), pool);
        IncomingConnection in = kv.accept();
        assertThat(in.isNameless()).isTrue();
        in.deny();
        assertThatThrownBy(() -> within(denied)).cause().isInstanceOfSatisfying(ConnectionRefusedException.class,
                e -> assertThat(e.isDenied()).isTrue());
        assertThatThrownBy(() -> client.connect("kv", 4)).isInstanceOfSatisfying(VersionTooLowException.class,
                e -> assertThat(e.targetVersion()).isEqualTo(3));
        assertThatThrownBy(() -> client.connect("nobody")).isInstanceOf(NoSuchPluginException.class);
        assertThatThrownBy(() -> bus().register("kv", 9)).isInstanceOf(NameTakenException.class);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aNamelessClientCanWatchAndConnectButIsNeverListedOrSeen() throws Exception {
        MinBus watcher = bus();
        Watch w = watcher.watch();
        assertThat(w.next()).isEqualTo(new WatchEvent.Snapshot(List.of()));
        Plugin echo = plugin("echo", 1);
        echo.onConnect(ch -> ch.send(ch.receive()));
        assertThat(w.next()).isEqualTo(new WatchEvent.Joined(new PluginInfo("echo", 1)));
        MinBus nameless = bus();
        try (Channel ch = nameless.connect("echo")) {
            assertThat(ch.peerName()).isEqualTo("echo");
            ch.send(text("hi"));
            assertThat(text(ch.receive())).isEqualTo("hi");
        }
        assertThat(nameless.plugins()).containsExactly(new PluginInfo("echo", 1));
        assertThat(echo.bus().plugins()).isEmpty(); // the nameless clients do not show
        echo.close();
        // the nameless clients produced no events: the next one is echo leaving
        assertThat(w.next(Duration.ofSeconds(10))).contains(new WatchEvent.Left(new PluginInfo("echo", 1)));
        w.close();
        Watch again = watcher.watch();
        assertThat(again.next()).isEqualTo(new WatchEvent.Snapshot(List.of()));
    }

    @Test
    void backPressureWithTinyWindowsBothWaysAtOnce() throws Exception {
        long seed = System.nanoTime();
        System.out.println("RealBusTest.backPressureWithTinyWindowsBothWaysAtOnce: seed " + seed);
        Random random = new Random(seed);
        Plugin sink = tinyBus().register("sink", 1);
        MinBus source = tinyBus();
        int total = 20_000 + random.nextInt(10_000);
        byte[] up = new byte[total];
        byte[] down = new byte[total / 2];
        random.nextBytes(up);
        random.nextBytes(down);
        CompletableFuture<Channel> c = CompletableFuture.supplyAsync(() -> source.connect("sink"), pool);
        Channel served = sink.accept().accept();
        Channel ch = within(c);
        CompletableFuture<Long> receivedUp = CompletableFuture.supplyAsync(() -> drain(served), pool);
        CompletableFuture<Long> receivedDown = CompletableFuture.supplyAsync(() -> drain(ch), pool);
        CompletableFuture<Void> sendUp = CompletableFuture.runAsync(() -> pump(ch, up, random.nextLong()), pool);
        CompletableFuture<Void> sendDown = CompletableFuture.runAsync(() -> pump(served, down, random.nextLong()), pool);
        within(sendUp);
        within(sendDown);
        assertThat(within(receivedUp)).isEqualTo(crc(up));
        assertThat(within(receivedDown)).isEqualTo(crc(down));
        // the bus never buffered more than a direction's cap: relay_buffer (64 bytes here), grown at most to
        // relay_buffer_max (256)
        assertThat(server.stats().relayDirectionBufferedMax()).isBetween(1L, 256L);
    }

    private static void pump(Channel ch, byte[] data, long seed) {
        Random r = new Random(seed);
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, 1 + r.nextInt(3000));
            ch.send(ByteBuffer.wrap(data, at, n));
            at += n;
        }
        ch.close(ByteBuffer.allocate(0));
    }

    private static long drain(Channel ch) {
        CRC32 crc = new CRC32();
        try {
            while (true) {
                crc.update(ch.receive());
            }
        } catch (ChannelClosedException e) {
            return crc.getValue();
        }
    }

    private static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    @Test
    void aPeerGoingAwayBreaksTheChannelAfterItsData() throws Exception {
        Plugin kv = plugin("kv", 1);
        MinBus client = bus();
        CompletableFuture<Channel> c = CompletableFuture.supplyAsync(() -> client.connect("kv"), pool);
        Channel served = kv.accept().accept();
        Channel ch = within(c);
        served.send(text("last words"));
        kv.close();
        assertThat(text(ch.receive())).isEqualTo("last words");
        assertThatThrownBy(ch::receive).isInstanceOfSatisfying(ChannelBrokenException.class,
                e -> assertThat(e.reason()).contains(Reason.REFUSED));
        assertThat(ch.isBroken()).isTrue();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void oneChannelPerPairAtATimeThenAgain() throws Exception {
        Plugin echo = plugin("echo", 1);
        echo.onConnect(ch -> {
            try {
                while (true) {
                    ch.send(ch.receive());
                }
            } catch (ChannelClosedException e) {
                // done
            }
        });
        MinBus client = bus();
        Channel first = client.connect("echo");
        assertThatThrownBy(() -> client.connect("echo")).isInstanceOfSatisfying(ConnectionRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNEXPECTED));
        first.close();
        // both directions ended from our side; the bus sees that before the next connect
        try (Channel second = client.connect("echo")) {
            second.send(text("again"));
            assertThat(text(second.receive())).isEqualTo("again");
        }
        // another connection of the same process is another pair
        Channel parallel = bus().connect("echo");
        parallel.close();
    }

    @Test
    void theBusClosingIsTypedAtOnce() throws Exception {
        Plugin kv = plugin("kv", 1);
        MinBus client = bus();
        CompletableFuture<Channel> c = CompletableFuture.supplyAsync(() -> client.connect("kv"), pool);
        Channel served = kv.accept().accept();
        Channel ch = within(c);
        Watch w = client.watch();
        w.next();
        CompletableFuture<IncomingConnection> waiting = CompletableFuture.supplyAsync(kv::accept, pool);
        long start = System.nanoTime();
        server.close();
        assertThatThrownBy(ch::receive).isInstanceOfAny(ChannelBrokenException.class, BusGoneException.class);
        assertThatThrownBy(() -> within(waiting)).cause().isInstanceOf(BusGoneException.class);
        // the shutdown may still report kv leaving before the watch ends
        assertThatThrownBy(() -> {
            while (true) {
                assertThat(w.next()).isEqualTo(new WatchEvent.Left(new PluginInfo("kv", 1)));
            }
        }).isInstanceOf(BusGoneException.class);
        assertThatThrownBy(client::plugins).isInstanceOf(BusGoneException.class);
        assertThatThrownBy(() -> served.send(text("x"))).isInstanceOfAny(ChannelBrokenException.class,
                BusGoneException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void inProcessConnectionsWork() throws Exception {
        try (MinBus a = MinBus.connect(server.connectInMemory()); MinBus b = MinBus.connect(server.connectInMemory())) {
            Plugin p = a.register("mem", 1);
            p.onConnect(ch -> ch.send(text("from mem")));
            try (Channel ch = b.connect("mem")) {
                assertThat(text(ch.receive())).isEqualTo("from mem");
            }
        }
    }

    @Test
    void pingsTravelThroughTheRelay() throws Exception {
        Plugin kv = plugin("kv", 1);
        MinBus client = bus();
        CompletableFuture<Channel> c = CompletableFuture.supplyAsync(() -> client.connect("kv"), pool);
        Channel served = kv.accept().accept();
        Channel ch = within(c);
        assertThat(ch.ping(Duration.ofSeconds(5))).isTrue();
        assertThat(served.ping(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void manyConcurrentConnectionsToOneHandler() throws Exception {
        Plugin echo = plugin("echo", 1);
        echo.onConnect(ch -> ch.send(ch.receive()));
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String word = "w" + i;
            MinBus client = bus();
            replies.add(CompletableFuture.supplyAsync(() -> {
                try (Channel ch = client.connect("echo")) {
                    ch.send(text(word));
                    return text(ch.receive());
                }
            }, pool));
        }
        for (int i = 0; i < replies.size(); i++) {
            assertThat(within(replies.get(i))).isEqualTo("w" + i);
        }
    }

    @Test
    void closingTheBusRightAfterSendingDeliversEverything() throws Exception {
        long seed = System.nanoTime();
        System.out.println("RealBusTest.closingTheBusRightAfterSendingDeliversEverything: seed " + seed);
        byte[] data = new byte[1_000_000];
        new Random(seed).nextBytes(data);
        // default limits: up to 64 KiB of credit may be queued when the sender closes
        try (MinBusServer roomy = MinBusServer.builder().listen(new BusAddress.Unix(dir.resolve("roomy.sock"))).start();
                MinBus receiver = MinBus.connect(roomy.addresses().get(0))) {
            Plugin sink = receiver.register("sink", 1);
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> drain(sink.accept().accept()), pool);
            MinBus sender = MinBus.connect(roomy.addresses().get(0));
            Channel ch = sender.connect("sink");
            for (int at = 0; at < data.length; at += 50_000) {
                ch.send(ByteBuffer.wrap(data, at, 50_000));
            }
            ch.close(ByteBuffer.allocate(0));
            sender.close(); // at once: the bus must still relay every byte and the close
            assertThat(within(received)).isEqualTo(crc(data));
        }
    }

    @Test
    void severalNamesFromOneProcessAreSeveralConnections() {
        List<String> names = List.of("instance-1", "instance-2", "instance-3");
        for (String n : names) {
            plugin(n, 1);
        }
        assertThat(bus().plugins().stream().map(PluginInfo::name)).containsExactlyElementsOf(names);
    }
}
