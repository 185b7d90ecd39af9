package io.minbus.server;

import static io.minbus.server.TestPlugin.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.mux.EndedException;
import io.minbus.mux.Entity;
import io.minbus.mux.Half;
import io.minbus.mux.Stream;
import io.minbus.protocol.Event;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.server.TestBus.Via;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/minbus.md §6-§7: the connection query and the connection stream. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueryAndWatchTest {

    @Test
    void theQueryListsEveryOtherNamedPluginInRegistrationOrder() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin c = bus.plugin(Via.TCP).registered("c", 3);
                TestPlugin a = bus.plugin().registered("a", 1);
                TestPlugin client = bus.plugin(Via.MEMORY).nameless();
                TestPlugin b = bus.plugin().registered("b", 2)) {
            assertThat(a.query()).isEqualTo(PluginList.of(PluginInfo.of("c", 3), PluginInfo.of("b", 2)));
            assertThat(client.query()).isEqualTo(PluginList.of(PluginInfo.of("c", 3), PluginInfo.of("a", 1),
                    PluginInfo.of("b", 2)));
        }
    }

    @Test
    void aConnectionStreamGivesTheSnapshotThenJoinsAndLeaves() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin kv = bus.plugin().registered("kv", 3);
                TestPlugin watcher = bus.plugin(Via.TCP).registered("watcher", 1)) {
            Stream stream = watcher.watch();
            assertThat(TestPlugin.snapshot(stream)).isEqualTo(PluginList.of(PluginInfo.of("kv", 3)));
            try (TestPlugin log = bus.plugin(Via.MEMORY).registered("log", 7);
                    TestPlugin client = bus.plugin().nameless()) {
                assertThat(TestPlugin.event(stream)).isEqualTo(Event.joined(PluginInfo.of("log", 7)));
            }
            assertThat(TestPlugin.event(stream)).isEqualTo(Event.left(PluginInfo.of("log", 7)));
            kv.close();
            assertThat(TestPlugin.event(stream)).isEqualTo(Event.left(PluginInfo.of("kv", 3)));
            assertThat(bus.stats().watchers()).isEqualTo(1);
        }
    }

    @Test
    void aSecondConnectionStreamIsClosedAtOnceAndTheFirstGoesOn() {
        try (TestBus bus = TestBus.start(1);
                TestPlugin watcher = bus.plugin().registered("watcher", 1)) {
            Stream first = watcher.watch();
            assertThat(TestPlugin.snapshot(first)).isEqualTo(PluginList.of());
            Stream second = watcher.watch();
            assertThatThrownBy(() -> second.receive(TestPlugin.WAIT))
                    .isInstanceOfSatisfying(EndedException.class, e -> {
                        assertThat(e.cancelled()).isFalse();
                        assertThat(e.reason().remaining()).isZero();
                    });
            try (TestPlugin kv = bus.plugin().registered("kv", 1)) {
                assertThat(TestPlugin.event(first)).isEqualTo(Event.joined(PluginInfo.of("kv", 1)));
            }
            first.cancel(ByteBuffer.allocate(0));
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().watchers() == 0);
            Stream third = watcher.watch();
            assertThat(TestPlugin.snapshot(third)).isEqualTo(PluginList.of());
        }
    }

    @Test
    void queriesAwaitingTheirResponseAreLimited() {
        ServerLimits limits = ServerLimits.builder().maxPendingQueries(2).build();
        try (TestBus bus = TestBus.start(1, limits);
                TestPlugin kv = bus.plugin().registered("kv", 1);
                RawPeer raw = RawPeer.start(bus.connect(Via.UNIX))) {
            raw.run(e -> e.grant(raw.topRead(), 100));
            raw.run(e -> e.send(raw.topWrite(), Registration.named("raw", 1).encode()));
            assertThat(RegistrationResult.decode(raw.next("data", null).payload()).isAccepted()).isTrue();
            List<Entity> requests = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                requests.add(raw.call(e -> e.openRequest(ByteBuffer.allocate(0), 0))); // no credit: no response yet
            }
            RawPeer.Ev refused = raw.next("closed", requests.get(2));
            assertThat(refused.payload()).isEqualTo(bytes(Reason.NO_RESOURCES));
            Half response = requests.get(0).readHalf().orElseThrow();
            raw.run(e -> e.grant(response, 100));
            RawPeer.Ev answer = raw.next("data", requests.get(0));
            assertThat(PluginList.decode(answer.payload())).isEqualTo(PluginList.of(PluginInfo.of("kv", 1)));
        }
    }

    @Test
    void eventsBeyondTheWatchBacklogCloseTheStream() {
        ServerLimits limits = ServerLimits.builder().watchBacklog(40).build();
        try (TestBus bus = TestBus.start(2, limits);
                RawPeer raw = RawPeer.start(bus.connect(Via.TCP))) {
            raw.run(e -> e.grant(raw.topRead(), 100));
            raw.run(e -> e.send(raw.topWrite(), Registration.named("raw", 1).encode()));
            assertThat(RegistrationResult.decode(raw.next("data", null).payload()).isAccepted()).isTrue();
            Entity stream = raw.call(e -> e.openStream(ByteBuffer.allocate(0), 0)); // credit for nothing
            assertThat(raw.next("data", stream).payload().remaining()).as("the empty snapshot needs no credit").isZero();
            List<TestPlugin> plugins = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) { // 4 joins of 13 bytes: more than 40 bytes wait
                    plugins.add(bus.plugin().registered("plugin-" + i, 1));
                }
                RawPeer.Ev closed = raw.next("closed", stream);
                assertThat(closed.payload()).isEqualTo(bytes(Reason.WATCH_BACKLOG));
                assertThat(bus.stats().refusals(Reason.WATCH_BACKLOG)).isEqualTo(1);
            } finally {
                plugins.forEach(TestPlugin::close);
            }
        }
    }
}
