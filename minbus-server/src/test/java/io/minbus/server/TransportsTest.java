package io.minbus.server;

import static io.minbus.server.TestPlugin.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.mux.Duplex;
import io.minbus.mux.Stream;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.Event;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.server.TestBus.Via;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Listeners of every kind serve one bus; the embedded server; addresses. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportsTest {

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "loops={0}")
    @ValueSource(ints = {1, 2, 3})
    void pluginsOnUnixTcpAndInProcessConnectionsReachEachOther(int loops) {
        try (TestBus bus = TestBus.start(loops);
                TestPlugin watcher = bus.plugin(Via.MEMORY).registered("watcher", 1);
                TestPlugin u = bus.plugin(Via.UNIX).registered("u", 1);
                TestPlugin t = bus.plugin(Via.TCP).registered("t", 1)) {
            Stream stream = watcher.watch();
            assertThat(TestPlugin.snapshot(stream)).isEqualTo(PluginList.of(PluginInfo.of("u", 1), PluginInfo.of("t", 1)));
            try (TestPlugin m = bus.plugin(Via.MEMORY).registered("m", 1)) {
                assertThat(TestPlugin.event(stream)).isEqualTo(Event.joined(PluginInfo.of("m", 1)));
                assertThat(u.query().plugins()).extracting(PluginInfo::name).containsExactly("watcher", "t", "m");
                String[] names = {"u", "t", "m"};
                TestPlugin[] plugins = {u, t, m};
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        if (i == j) {
                            continue;
                        }
                        Duplex from = plugins[i].connect(ConnectRequest.to(names[j]));
                        Duplex to = plugins[j].accept();
                        assertThat(next(from).remaining()).isZero();
                        from.send(text(names[i] + "->" + names[j]));
                        assertThat(next(to)).isEqualTo(text(names[i] + "->" + names[j]));
                        to.send(text("back"));
                        assertThat(next(from)).isEqualTo(text("back"));
                    }
                }
            }
            assertThat(TestPlugin.event(stream)).isEqualTo(Event.left(PluginInfo.of("m", 1)));
        }
    }

    @Test
    void theEmbeddedServerLivesInAPrivateDirectoryRemovedOnClose() throws Exception {
        Path socket;
        try (MinBusServer server = MinBusServer.embedded()) {
            assertThat(server.addresses()).hasSize(1);
            socket = ((BusAddress.Unix) server.addresses().get(0)).path();
            assertThat(Files.exists(socket)).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
            try (TestPlugin p = TestPlugin.over(Transports.connect(server.addresses().get(0))).registered("p", 1);
                    TestPlugin q = TestPlugin.over(server.connectInMemory()).registered("q", 1)) {
                assertThat(p.query()).isEqualTo(PluginList.of(PluginInfo.of("q", 1)));
                assertThat(server.stats().connections()).isEqualTo(2);
            }
        }
        assertThat(Files.exists(socket.getParent())).isFalse();
    }

    @Test
    void addressesReportTheBoundTcpPortAndTheServerRefusesUseOutsideItsLife() {
        MinBusServer server = MinBusServer.builder().listen(new BusAddress.Tcp("127.0.0.1", 0)).loops(1).build();
        assertThat(server.addresses()).isEmpty();
        assertThatThrownBy(server::connectInMemory).isInstanceOf(IllegalStateException.class).hasMessageContaining("start");
        assertThatThrownBy(server::stats).isInstanceOf(IllegalStateException.class);
        server.start();
        try {
            BusAddress.Tcp tcp = (BusAddress.Tcp) server.addresses().get(0);
            assertThat(tcp.port()).isPositive();
            try (TestPlugin p = TestPlugin.over(Transports.connect(tcp)).registered("p", 1)) {
                assertThat(p.query()).isEqualTo(PluginList.of());
            }
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        } finally {
            server.close();
            server.close();
        }
        assertThatThrownBy(server::connectInMemory).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(server.stats().connections()).isZero();
    }
}
