package io.minbus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.client.Channel;
import io.minbus.client.MinBus;
import io.minbus.client.NameTakenException;
import io.minbus.client.Plugin;
import io.minbus.protocol.PluginInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InMemoryBusTest {

    @Test
    void pluginsFindAndTalkToEachOther() {
        try (InMemoryBus bus = InMemoryBus.start()) {
            Plugin echo = bus.register("echo", 2);
            echo.onConnect(ch -> ch.send(ch.receive()));
            MinBus client = bus.client();
            assertThat(client.plugins()).containsExactly(PluginInfo.of("echo", 2));
            try (Channel ch = client.connect("echo", 2)) {
                ch.send(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)));
                assertThat(StandardCharsets.UTF_8.decode(ch.receive()).toString()).isEqualTo("hi");
            }
            assertThat(bus.stats().registeredPlugins()).isEqualTo(1);
            assertThat(bus.stats().namelessClients()).isEqualTo(1);
        }
    }

    @Test
    void closeClosesEveryConnectionThenTheServer() {
        InMemoryBus bus = InMemoryBus.start();
        Plugin a = bus.register("a", 1);
        MinBus c = bus.client();
        bus.close();
        assertThat(a.bus().isOpen()).isFalse();
        assertThat(c.isOpen()).isFalse();
        assertThat(bus.stats().connections()).isZero();
        assertThatThrownBy(bus::client).isInstanceOf(IllegalStateException.class);
        bus.close(); // idempotent
    }

    @Test
    void duplicateNameIsRefused() {
        try (InMemoryBus bus = InMemoryBus.start()) {
            bus.register("kv", 1);
            assertThatThrownBy(() -> bus.register("kv", 2)).isInstanceOf(NameTakenException.class);
        }
    }

    @Test
    void builderAppliesLimits() {
        try (InMemoryBus bus = InMemoryBus.builder()
                .limits(io.minbus.server.ServerLimits.builder().relayBuffer(4096).build())
                .heartbeat(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .start()) {
            assertThat(bus.limits().relayBuffer()).isEqualTo(4096);
            assertThat(bus.limits().heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
            MinBus c = bus.client();
            c.plugins();
            await().atMost(Duration.ofSeconds(5)).until(() -> bus.stats().namelessClients() == 1);
        }
    }
}
