package io.minbus.server;

import static io.minbus.server.TestPlugin.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.PendingResponse;
import io.minbus.mux.Sink;
import io.minbus.mux.Stream;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.server.TestBus.Via;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/minbus.md §12: what the server does with what fits no flow. The connection always stays up,
 * which every test checks with a query at the end.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnexpectedMessagesTest {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private static void assertRefusedWithEmptyPayload(PendingResponse response) {
        assertThatThrownBy(() -> response.await(TestPlugin.WAIT))
                .isInstanceOfSatisfying(EndedException.class, e -> assertThat(e.reason().remaining()).isZero());
    }

    private static void assertCancelledWithEmptyPayload(Sink sink) {
        await().atMost(TestPlugin.WAIT).until(() -> sink.cancelReason().isPresent());
        assertThat(sink.cancelReason()).contains(EMPTY);
    }

    private static void assertClosedWithEmptyPayload(Stream stream) {
        assertThatThrownBy(() -> stream.receive(TestPlugin.WAIT))
                .isInstanceOfSatisfying(EndedException.class, e -> assertThat(e.reason().remaining()).isZero());
    }

    private static void assertClosedAndCancelledWithEmptyPayloads(Duplex duplex) {
        assertThatThrownBy(() -> duplex.receive(TestPlugin.WAIT))
                .isInstanceOfSatisfying(EndedException.class, e -> assertThat(e.reason().remaining()).isZero());
        await().atMost(TestPlugin.WAIT).until(() -> duplex.cancelReason().isPresent());
        assertThat(duplex.cancelReason()).contains(EMPTY);
    }

    @Test
    void aFurtherTopLevelMessageIsIgnored() {
        try (TestBus bus = TestBus.start(1);
                TestPlugin kv = bus.plugin().registered("kv", 1);
                TestPlugin p = bus.plugin().registered("p", 1)) {
            p.session.send(Registration.named("again", 2).encode());
            p.session.send(ByteBuffer.allocate(100_000)); // larger than the top-level credit: partial, still ignored
            assertThat(p.query()).isEqualTo(PluginList.of(PluginInfo.of("kv", 1)));
            assertThat(p.session.receive(Duration.ofMillis(100))).as("no reply on the top level").isEmpty();
        }
    }

    @Test
    void requestsWithAPayloadAreRefusedWithAnEmptyEnd() {
        try (TestBus bus = TestBus.start(1); TestPlugin p = bus.plugin().registered("p", 1)) {
            assertRefusedWithEmptyPayload(p.session.request(bytes(1, 2, 3)));
            assertThat(p.query()).isEqualTo(PluginList.of());
        }
    }

    @Test
    void sinksAreCancelledWithAnEmptyPayload() {
        try (TestBus bus = TestBus.start(1); TestPlugin p = bus.plugin().registered("p", 1)) {
            assertCancelledWithEmptyPayload(p.session.openSink(bytes(7)));
            assertCancelledWithEmptyPayload(p.session.openSink(EMPTY));
            assertThat(p.query()).isEqualTo(PluginList.of());
        }
    }

    @Test
    void streamsWithAPayloadAreClosedWithAnEmptyPayload() {
        try (TestBus bus = TestBus.start(1); TestPlugin p = bus.plugin().registered("p", 1)) {
            // 01 alone is the keyed connection stream (docs/minbus.md §18.8); anything else is unexpected
            assertClosedWithEmptyPayload(p.session.openStream(bytes(2)));
            assertClosedWithEmptyPayload(p.session.openStream(bytes(1, 1)));
            assertThat(p.query()).isEqualTo(PluginList.of());
        }
    }

    @Test
    void duplexesThatAreNoConnectAreClosedAndCancelled() {
        try (TestBus bus = TestBus.start(1); TestPlugin p = bus.plugin().registered("p", 1)) {
            assertClosedAndCancelledWithEmptyPayloads(p.session.openDuplex(EMPTY));
            assertClosedAndCancelledWithEmptyPayloads(p.session.openDuplex(bytes(0x01, 0x02, 'k', 'v')));
            assertThat(p.query()).isEqualTo(PluginList.of());
            assertThat(bus.stats().refusals(Reason.UNEXPECTED)).isEqualTo(2);
        }
    }

    @Test
    void beforeRegistrationEverythingButTheRegistrationIsUnexpected() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin kv = bus.plugin().registered("kv", 1);
                TestPlugin p = bus.plugin(Via.TCP)) {
            assertRefusedWithEmptyPayload(p.session.request(EMPTY));
            assertClosedWithEmptyPayload(p.session.openStream(EMPTY));
            assertCancelledWithEmptyPayload(p.session.openSink(EMPTY));
            assertClosedAndCancelledWithEmptyPayloads(p.session.openDuplex(bytes(0x00, 0x02, 'k', 'v')));
            p.registered("p", 1);
            assertThat(p.query()).isEqualTo(PluginList.of(PluginInfo.of("kv", 1)));
        }
    }
}
