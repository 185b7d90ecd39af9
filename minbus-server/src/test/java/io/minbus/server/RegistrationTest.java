package io.minbus.server;

import static io.minbus.server.TestPlugin.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.server.TestBus.Via;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** docs/minbus.md §3-§5, §14: registration, its result, refusals, the disconnection message. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistrationTest {

    @ParameterizedTest
    @EnumSource(Via.class)
    void aRegisteredPluginIsListed(Via via) {
        try (TestBus bus = TestBus.start(2);
                TestPlugin kv = bus.plugin(via).registered("kv", 3);
                TestPlugin other = bus.plugin(Via.UNIX).registered("other", 1)) {
            assertThat(other.query()).isEqualTo(PluginList.of(PluginInfo.of("kv", 3)));
            assertThat(bus.stats().registeredPlugins()).isEqualTo(2);
        }
    }

    @Test
    void aTakenNameIsRefusedWithItsCodeThenTheEndOfTheStream() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin first = bus.plugin().registered("kv", 1);
                TestPlugin second = bus.plugin(Via.TCP)) {
            RegistrationResult result = second.register(Registration.named("kv", 2));
            assertThat(result).isEqualTo(RegistrationResult.refused(Reason.NAME_TAKEN));
            await().atMost(TestPlugin.WAIT).until(() -> !second.session.isOpen());
            assertThat(bus.stats().refusals(Reason.NAME_TAKEN)).isEqualTo(1);
            assertThat(first.session.isOpen()).isTrue();
        }
    }

    @Test
    void aNamelessClientCanQueryButIsNeverListed() {
        try (TestBus bus = TestBus.start(1);
                TestPlugin kv = bus.plugin().registered("kv", 1);
                TestPlugin client = bus.plugin(Via.MEMORY).nameless()) {
            assertThat(client.query()).isEqualTo(PluginList.of(PluginInfo.of("kv", 1)));
            assertThat(kv.query()).isEqualTo(PluginList.of());
            assertThat(bus.stats().namelessClients()).isEqualTo(1);
            assertThat(bus.stats().registeredPlugins()).isEqualTo(1);
        }
    }

    @Test
    void aMalformedRegistrationIsRefused() {
        try (TestBus bus = TestBus.start(1); TestPlugin p = bus.plugin()) {
            p.session.send(bytes(0x02, 0x6b, 0x76, 0x00)); // one byte short
            ByteBuffer result = p.session.receive(TestPlugin.WAIT).orElseThrow();
            assertThat(result).isEqualTo(bytes(0x01, 0x03));
            await().atMost(TestPlugin.WAIT).until(() -> !p.session.isOpen());
        }
    }

    @Test
    void aRegistrationTooLongToParseIsRefusedWithoutBeingBuffered() {
        try (TestBus bus = TestBus.start(1); TestPlugin p = bus.plugin()) {
            p.session.send(ByteBuffer.allocate(3000)); // a partial payload: more than the largest registration
            assertThat(p.session.receive(TestPlugin.WAIT).orElseThrow()).isEqualTo(bytes(0x01, 0x03));
            await().atMost(TestPlugin.WAIT).until(() -> !p.session.isOpen());
        }
    }

    @Test
    void noRegistrationInTimeIsRefused() {
        ServerLimits limits = ServerLimits.builder().registrationTimeout(Duration.ofMillis(200)).build();
        try (TestBus bus = TestBus.start(1, limits); TestPlugin p = bus.plugin()) {
            assertThat(p.session.receive(TestPlugin.WAIT).orElseThrow()).isEqualTo(bytes(0x01, 0x06));
            await().atMost(TestPlugin.WAIT).until(() -> !p.session.isOpen());
            assertThat(bus.stats().refusals(Reason.REGISTRATION_TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void withoutTopLevelCreditARefusalIsJustTheEndOfTheStream() {
        try (TestBus bus = TestBus.start(1);
                TestPlugin kv = bus.plugin().registered("kv", 1);
                RawPeer raw = RawPeer.start(bus.connect(Via.TCP))) {
            raw.run(e -> e.send(raw.topWrite(), Registration.named("kv", 1).encode()));
            RawPeer.Ev ev;
            do {
                ev = raw.next();
                assertThat(ev.kind()).as("no top-level message without credit").isNotEqualTo("data");
            } while (!ev.kind().equals("eof"));
        }
    }

    @Test
    void theDisconnectionMessageFreesTheNameAndClosesTheStream() {
        try (TestBus bus = TestBus.start(2);
                TestPlugin kv = bus.plugin().registered("kv", 1);
                TestPlugin watcher = bus.plugin(Via.TCP).registered("watcher", 1)) {
            var stream = watcher.watch();
            assertThat(TestPlugin.snapshot(stream)).isEqualTo(PluginList.of(PluginInfo.of("kv", 1)));
            kv.session.send(ByteBuffer.allocate(0));
            await().atMost(TestPlugin.WAIT).until(() -> !kv.session.isOpen());
            assertThat(TestPlugin.event(stream)).isEqualTo(io.minbus.protocol.Event.left(PluginInfo.of("kv", 1)));
            try (TestPlugin again = bus.plugin().registered("kv", 2)) {
                assertThat(watcher.query()).isEqualTo(PluginList.of(PluginInfo.of("kv", 2)));
            }
        }
    }

    @Test
    void namesAreCountedPerUserOnUnixSocketsAndPerConnectionOnTcp() {
        ServerLimits limits = ServerLimits.builder().maxNamesPerProcess(2).build();
        try (TestBus bus = TestBus.start(2, limits);
                TestPlugin p1 = bus.plugin(Via.UNIX).registered("p1", 1);
                TestPlugin p2 = bus.plugin(Via.UNIX).registered("p2", 1);
                TestPlugin p3 = bus.plugin(Via.UNIX);
                TestPlugin t1 = bus.plugin(Via.TCP).registered("t1", 1);
                TestPlugin t2 = bus.plugin(Via.TCP).registered("t2", 1);
                TestPlugin t3 = bus.plugin(Via.TCP).registered("t3", 1);
                TestPlugin client = bus.plugin(Via.UNIX).nameless()) {
            assertThat(p3.register(Registration.named("p3", 1))).isEqualTo(RegistrationResult.refused(Reason.PROCESS_NAME_LIMIT));
            p1.session.send(ByteBuffer.allocate(0));
            await().atMost(TestPlugin.WAIT).until(() -> !p1.session.isOpen());
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().registeredPlugins() == 4);
            try (TestPlugin p4 = bus.plugin(Via.UNIX).registered("p4", 1)) {
                assertThat(client.query().plugins()).extracting(PluginInfo::name).containsExactly("p2", "t1", "t2", "t3", "p4");
            }
        }
    }

    @Test
    void aProcessResolverMakesTheLimitPerPid() {
        try (TestBus bus = TestBus.start(1, b -> b.limits(ServerLimits.builder().maxNamesPerProcess(1).build())
                        .processResolver(peer -> OptionalLong.of(4242)));
                TestPlugin a = bus.plugin(Via.TCP).registered("a", 1);
                TestPlugin b = bus.plugin(Via.MEMORY)) {
            assertThat(b.register(Registration.named("b", 1))).isEqualTo(RegistrationResult.refused(Reason.PROCESS_NAME_LIMIT));
        }
    }
}
