package io.minbus.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.client.Channel;
import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.protocol.PluginInfo;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

@MinBusTest
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionTest {
    private static final AtomicReference<InMemoryBus> PREVIOUS = new AtomicReference<>();

    @Test
    @Order(1)
    void resolvesBusPluginsAndClients(InMemoryBus bus, @Registered(value = "echo", version = 3) Plugin echo,
            @Registered("other") MinBus other, MinBus nameless) {
        PREVIOUS.set(bus);
        assertThat(echo.info()).isEqualTo(PluginInfo.of("echo", 3));
        assertThat(nameless.plugins()).containsExactly(PluginInfo.of("echo", 3), PluginInfo.of("other", 1));
        echo.onConnect(ch -> ch.send(ch.receive()));
        try (Channel ch = other.connect("echo")) {
            ch.send(ByteBuffer.wrap(new byte[] {42}));
            assertThat(ch.receive().get()).isEqualTo((byte) 42);
        }
        assertThat(bus.stats().registeredPlugins()).isEqualTo(2);
    }

    @Test
    @Order(2)
    void eachTestGetsAFreshBusAndTheOldOneIsClosed(InMemoryBus bus, ScriptedPeer peer) {
        assertThat(bus).isNotSameAs(PREVIOUS.get());
        assertThat(PREVIOUS.get().stats().connections()).isZero();
        assertThat(bus.stats().registeredPlugins()).isZero();
        peer.expect("out-stream#0 credit(4096)");
    }

    @AfterEach
    void lifecycleMethodsShareTheTestsBus(InMemoryBus bus) {
        assertThat(bus.stats().connections()).isPositive();
    }
}
