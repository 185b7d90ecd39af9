package io.minbus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.identity.Keys;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Visibility;
import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret handshake on a Unix socket (docs/minbus.md §18.3): {@code unix:/PATH~shs:KEY}. The
 * standing comes from the key proven, not from the Unix user: a process of the bus's own user that
 * proves another key is a peer.
 */
@Timeout(60)
class UnixShsTest extends BusFixture {
    @TempDir Path dir;

    /** A bus on a plain socket (index 0) and a ~shs socket (index 1). */
    MinBusServer server() {
        MinBusServer s = MinBusServer.builder().keys(serverKeys).loops(2)
                .listen(new BusAddress.Unix(dir.resolve("plain.sock")),
                        new BusAddress.Unix(dir.resolve("shs.sock"), Optional.of(serverKeys.identity().base64())))
                .start();
        toClose.add(0, s);
        return s;
    }

    MinBus bus(BusAddress address, Keys keys) {
        MinBus b = MinBus.builder().address(address).keys(keys).connect();
        toClose.add(b);
        return b;
    }

    @Test
    void theListenerIsAnnouncedWithItsKey() {
        MinBusServer server = server();
        assertThat(server.addresses().get(1)).hasToString("unix:" + dir.resolve("shs.sock") + "~shs:"
                + serverKeys.identity().base64());
    }

    @Test
    void aSameUserConnectionProvingAnotherKeyIsAPeerNotAPlugin() throws Exception {
        MinBusServer server = server();
        BusAddress plain = server.addresses().get(0);
        BusAddress shs = server.addresses().get(1);
        bus(plain, serverKeys).register("trusted-only", 1); // default visibility: trusted plugins
        Plugin open = bus(plain, serverKeys).register("open", 1, Visibility.ALWAYS);

        Keys peerKeys = Keys.generate();
        MinBus peer = bus(shs, peerKeys);
        assertThat(peer.plugins()).containsExactly(new PluginInfo("open", 1)); // a peer: trusted plugins are hidden
        assertThatThrownBy(() -> peer.connect("trusted-only")).isInstanceOf(NoSuchPluginException.class);
        CompletableFuture<Channel> outgoing = CompletableFuture.supplyAsync(() -> peer.connect("open"), pool);
        IncomingConnection incoming = open.accept(Duration.ofSeconds(20)).orElseThrow();
        assertThat(incoming.initiatorKey()).contains(peerKeys.identity()); // the key it proved
        incoming.accept();
        outgoing.get(20, TimeUnit.SECONDS).close();

        // proving the bus's own key over the same socket makes a trusted plugin
        MinBus plugin = bus(shs, serverKeys);
        assertThat(plugin.plugins()).containsExactlyInAnyOrder(new PluginInfo("trusted-only", 1),
                new PluginInfo("open", 1));
    }

    @Test
    void aClientExpectingAnotherServerKeyIsRefused() {
        MinBusServer server = server();
        BusAddress.Unix shs = (BusAddress.Unix) server.addresses().get(1);
        BusAddress impostor = new BusAddress.Unix(shs.path(), Optional.of(Keys.generate().identity().base64()));
        assertThatThrownBy(() -> MinBus.builder().address(impostor).keys(Keys.generate()).connect())
                .isInstanceOf(BusUnreachableException.class)
                .hasMessageContaining("secret handshake");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> server.stats().connectionsRefused() >= 1 && server.stats().connections() == 0);
    }
}
