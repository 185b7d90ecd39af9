package io.minbus.client;

import static io.minbus.client.FakeBus.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.identity.Keys;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Visibility;
import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Identity on the real bus (docs/minbus.md §18): TCP with the secret handshake, plugins and peers, refusals. */
@Timeout(60)
class IdentityTest extends BusFixture {
    @TempDir Path dir;

    MinBusServer server(MinBusServer.Builder b) {
        MinBusServer s = b.loops(2).start();
        toClose.add(0, s); // closed last
        return s;
    }

    BusAddress shsAddress() {
        return new BusAddress.Tcp("127.0.0.1", 0, Optional.of(serverKeys.identity().base64()));
    }

    MinBus bus(BusAddress address, Keys keys) {
        MinBus b = MinBus.builder().address(address).keys(keys).connect();
        toClose.add(b);
        return b;
    }

    @Test
    void tcpWithSecretHandshakeEndToEndBetweenAPluginAndAPeer() throws Exception {
        long seed = System.nanoTime();
        System.out.println("IdentityTest.tcpWithSecretHandshakeEndToEndBetweenAPluginAndAPeer: seed " + seed);
        Random random = new Random(seed);
        MinBusServer server = server(MinBusServer.builder().keys(serverKeys).listen(shsAddress()));
        BusAddress address = server.addresses().get(0);
        assertThat(address.toString()).startsWith("net:127.0.0.1:").endsWith("~shs:" + serverKeys.identity().base64());
        assertThat(((BusAddress.Tcp) address).port()).isPositive();
        assertThat(server.identity()).contains(serverKeys.identity());

        Plugin echo = bus(address, serverKeys).register("echo", 2, Visibility.ALWAYS); // the bus's key: a plugin
        Keys peerKeys = Keys.generate();
        MinBus peer = bus(address, peerKeys); // another key: a peer
        assertThat(peer.description()).contains("~shs:");
        assertThat(peer.plugins()).containsExactly(new PluginInfo("echo", 2));
        assertThat(peer.pluginsWithKeys()).containsExactly(
                new KeyedPlugin(new PluginInfo("echo", 2), Optional.of(serverKeys.identity()))); // §18.6
        CompletableFuture<Channel> outgoing = CompletableFuture.supplyAsync(() -> peer.connect("echo"), pool);
        IncomingConnection incoming = echo.accept(Duration.ofSeconds(20)).orElseThrow();
        assertThat(incoming.initiatorKey()).contains(peerKeys.identity()); // §18.5
        Channel served = incoming.accept();
        Channel ch = outgoing.get(20, TimeUnit.SECONDS);
        byte[] big = new byte[100_000 + random.nextInt(100_000)]; // many boxes of box-stream
        random.nextBytes(big);
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> ch.send(java.nio.ByteBuffer.wrap(big)), pool);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        while (got.size() < big.length) {
            java.nio.ByteBuffer b = served.receive();
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            got.write(chunk);
        }
        sending.get(20, TimeUnit.SECONDS);
        assertThat(got.toByteArray()).isEqualTo(big);
        served.send(text("ok"));
        assertThat(text(ch.receive())).isEqualTo("ok");
    }

    @Test
    void aClientExpectingAnotherServerKeyCannotReachTheBus() {
        MinBusServer server = server(MinBusServer.builder().keys(serverKeys).listen(shsAddress()));
        BusAddress.Tcp real = (BusAddress.Tcp) server.addresses().get(0);
        BusAddress impostor = new BusAddress.Tcp(real.host(), real.port(),
                Optional.of(Keys.generate().identity().base64()));
        assertThatThrownBy(() -> MinBus.builder().address(impostor).keys(Keys.generate()).connect())
                .isInstanceOf(BusUnreachableException.class)
                .hasMessageContaining("secret handshake");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> server.stats().connectionsRefused() >= 1 && server.stats().connections() == 0);
    }

    @Test
    void aPlainClientOnASecureListenerCannotReachTheBus() {
        MinBusServer server = server(MinBusServer.builder().keys(serverKeys).listen(shsAddress()));
        BusAddress.Tcp real = (BusAddress.Tcp) server.addresses().get(0);
        assertThatThrownBy(() -> MinBus.builder().address(new BusAddress.Tcp(real.host(), real.port()))
                .answerTimeout(Duration.ofSeconds(5)).connect().register("x", 1))
                .isInstanceOf(MinBusException.class);
        // the failed handshake is counted as a refused connection and gives its place back
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> server.stats().connectionsRefused() >= 1 && server.stats().connections() == 0);
    }

    @Test
    void aNonLoopbackAddressWithoutTheHandshakeIsRefusedBeforeBinding() {
        MinBusServer.Builder b = MinBusServer.builder().keys(serverKeys)
                .listen(new BusAddress.Unix(dir.resolve("bus.sock")), new BusAddress.Tcp("0.0.0.0", 0));
        assertThatThrownBy(b::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refusing to listen on net:0.0.0.0:0 without the secret handshake")
                .hasMessageContaining(serverKeys.identity().base64());
        assertThat(dir.resolve("bus.sock")).doesNotExist();
    }

    @Test
    void aHandshakeAddressNeedsTheServersOwnKey() {
        assertThatThrownBy(() -> MinBusServer.builder().listen(shsAddress()).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs the server's key pair");
        Keys other = Keys.generate();
        assertThatThrownBy(() -> MinBusServer.builder().keys(other).listen(shsAddress()).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("this server's key is "
                        + other.identity());
    }

    @Test
    void anotherUserOnTheUnixSocketIsRefusedWithNotPermitted() {
        MinBusServer server = server(MinBusServer.builder().trustedUser("someone-else-" + System.nanoTime())
                .listen(new BusAddress.Unix(dir.resolve("bus.sock"))));
        MinBus b = MinBus.connect(server.addresses().get(0));
        toClose.add(b);
        assertThatThrownBy(() -> b.register("kv", 1)).isInstanceOfSatisfying(RegistrationRefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_PERMITTED));
    }

    @Test
    void theSameUserOnTheUnixSocketIsAPlugin() {
        MinBusServer server = server(MinBusServer.builder().listen(new BusAddress.Unix(dir.resolve("bus.sock"))));
        MinBus b = MinBus.connect(server.addresses().get(0));
        toClose.add(b);
        b.register("kv", 1);
        assertThat(server.stats().registeredPlugins()).isEqualTo(1);
    }

    /** A bus on a Unix socket (trusted plugins of this user) and on TCP with the handshake (peers). */
    MinBusServer mixedServer() {
        return server(MinBusServer.builder().keys(serverKeys)
                .listen(new BusAddress.Unix(dir.resolve("bus.sock")), shsAddress()));
    }

    MinBus local(MinBusServer server) {
        MinBus b = MinBus.connect(server.addresses().get(0));
        toClose.add(b);
        return b;
    }

    @Test
    void aPeerCanNeitherSeeNorReachATrustedPluginNorWatchItComeAndGo() throws Exception {
        MinBusServer server = mixedServer();
        BusAddress tcp = server.addresses().get(1);
        MinBus peer = bus(tcp, Keys.generate());
        Watch watch = peer.watch();
        toClose.add(watch);
        assertThat(watch.next()).isEqualTo(new WatchEvent.Snapshot(List.of()));
        Plugin hidden = local(server).register("hidden", 1); // default: trusted
        local(server).register("explicitTrusted", 1, Visibility.TRUSTED);
        local(server).register("public", 2, Visibility.ALWAYS);
        // the hidden ones' joins never reach the peer: the first event is the public plugin's
        assertThat(watch.next()).isEqualTo(new WatchEvent.Joined(new PluginInfo("public", 2)));
        assertThat(peer.plugins()).containsExactly(new PluginInfo("public", 2));
        NoSuchPluginException hiddenError = org.junit.jupiter.api.Assertions.assertThrows(NoSuchPluginException.class,
                () -> peer.connect("hidden"));
        NoSuchPluginException absentError = org.junit.jupiter.api.Assertions.assertThrows(NoSuchPluginException.class,
                () -> peer.connect("nobody"));
        // the error does not reveal that the hidden plugin exists
        assertThat(hiddenError.getMessage().replace("hidden", "X")).isEqualTo(absentError.getMessage().replace("nobody", "X"));
        // trusted plugins (same user on the Unix socket, or the bus's key over TCP) see everything
        assertThat(local(server).plugins()).extracting(PluginInfo::name)
                .containsExactly("hidden", "explicitTrusted", "public");
        assertThat(local(server).pluginsWithKeys()).extracting(KeyedPlugin::key)
                .containsOnly(Optional.empty()); // local plugins prove no key
        assertThat(bus(tcp, serverKeys).plugins()).extracting(PluginInfo::name)
                .containsExactly("hidden", "explicitTrusted", "public");
        hidden.close();
        local(server).register("public2", 1, Visibility.ALWAYS);
        assertThat(watch.next()).isEqualTo(new WatchEvent.Joined(new PluginInfo("public2", 1))); // no "left hidden"
    }

    @Test
    void anExplicitPluginDeniesPeersAndANeverPluginIsSeenByNobody() {
        MinBusServer server = mixedServer();
        BusAddress tcp = server.addresses().get(1);
        local(server).register("asker", 1, Visibility.EXPLICIT);
        local(server).register("ghost", 1, Visibility.NEVER);
        MinBus peer = bus(tcp, Keys.generate());
        assertThat(peer.plugins()).isEmpty();
        assertThatThrownBy(() -> peer.connect("asker")).isInstanceOf(NoSuchPluginException.class);
        assertThatThrownBy(() -> peer.connect("ghost")).isInstanceOf(NoSuchPluginException.class);
        MinBus trusted = local(server);
        assertThat(trusted.plugins()).extracting(PluginInfo::name).containsExactly("asker");
        assertThatThrownBy(() -> trusted.connect("ghost")).isInstanceOf(NoSuchPluginException.class);
    }

    @Test
    void sameIsSeenByConnectionsWithTheSameKeyAndServerOnlyByTheBusItself() throws Exception {
        MinBusServer server = mixedServer();
        BusAddress tcp = server.addresses().get(1);
        Keys alice = Keys.generate();
        Plugin mine = bus(tcp, alice).register("alice-kv", 1, Visibility.SAME);
        local(server).register("internal", 1, Visibility.SERVER);
        MinBus aliceAgain = bus(tcp, alice);
        assertThat(aliceAgain.plugins()).extracting(PluginInfo::name).containsExactly("alice-kv");
        assertThat(aliceAgain.pluginsWithKeys()).containsExactly(
                new KeyedPlugin(new PluginInfo("alice-kv", 1), Optional.of(alice.identity())));
        assertThat(bus(tcp, Keys.generate()).plugins()).isEmpty();
        assertThat(local(server).plugins()).extracting(PluginInfo::name).doesNotContain("alice-kv", "internal");
        assertThat(bus(tcp, serverKeys).plugins()).extracting(PluginInfo::name).containsExactly("internal");
        // a peer's own plugin is reachable by its own key
        CompletableFuture<Channel> out = CompletableFuture.supplyAsync(() -> aliceAgain.connect("alice-kv"), pool);
        IncomingConnection in = mine.accept(Duration.ofSeconds(20)).orElseThrow();
        assertThat(in.initiatorKey()).contains(alice.identity());
        in.accept().send(text("hi"));
        assertThat(text(out.get(20, TimeUnit.SECONDS).receive())).isEqualTo("hi");
    }

    @Test
    void aStalledHandshakeIsClosedAfterTheRegistrationTimeoutAndFreesItsPlace() throws Exception {
        MinBusServer server = server(MinBusServer.builder().keys(serverKeys).listen(shsAddress())
                .limits(io.minbus.server.ServerLimits.builder().registrationTimeout(Duration.ofMillis(300)).build()));
        BusAddress.Tcp real = (BusAddress.Tcp) server.addresses().get(0);
        try (java.net.Socket raw = new java.net.Socket(real.host(), real.port())) {
            raw.setSoTimeout(20_000);
            assertThat(raw.getInputStream().read()).isEqualTo(-1); // closed without a byte
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> server.stats().connections() == 0 && server.stats().connectionsRefused() >= 1);
    }

    @Test
    void closingTheServerEndsSecuredConnections() {
        MinBusServer server = server(MinBusServer.builder().keys(serverKeys).listen(shsAddress()));
        MinBus plugin = bus(server.addresses().get(0), serverKeys);
        plugin.register("kv", 1);
        server.close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !plugin.isOpen());
        assertThatThrownBy(plugin::plugins).isInstanceOf(BusGoneException.class);
    }
}
