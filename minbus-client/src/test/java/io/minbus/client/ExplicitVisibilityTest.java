package io.minbus.client;

import static io.minbus.client.FakeBus.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.identity.Keys;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Visibility;
import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.transport.BusAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Explicit visibility through the SDK (docs/minbus.md §18.7) and the keyed watch (§18.8), on a real
 * bus with a TCP listener that runs the secret handshake: each peer proves a key of its own.
 */
@Timeout(90)
class ExplicitVisibilityTest extends BusFixture {
    static final Duration WAIT = Duration.ofSeconds(20);

    BusAddress start(ServerLimits limits) {
        MinBusServer s = MinBusServer.builder().keys(serverKeys).limits(limits).loops(2)
                .listen(new BusAddress.Tcp("127.0.0.1", 0, Optional.of(serverKeys.identity().base64()))).start();
        toClose.add(0, s); // closed last
        return s.addresses().get(0);
    }

    MinBus bus(BusAddress address, Keys keys) {
        MinBus b = MinBus.builder().address(address).keys(keys).connect();
        toClose.add(b);
        return b;
    }

    @Test
    void onlyThePeerWithTheAllowedKeySeesAndReachesThePlugin() throws Exception {
        BusAddress address = start(ServerLimits.defaults());
        Keys friend = Keys.generate();
        Keys stranger = Keys.generate();
        List<Requester> asked = new CopyOnWriteArrayList<>();
        Plugin secret = bus(address, serverKeys).register("secret", 3, requester -> {
            asked.add(requester);
            return requester.key().equals(Optional.of(friend.identity()));
        });
        secret.onConnect(channel -> channel.send(text("hello " + channel.peerName())));

        MinBus friendBus = bus(address, friend);
        assertThat(friendBus.plugins()).containsExactly(new PluginInfo("secret", 3));
        try (Channel ch = friendBus.connect("secret", 3)) {
            assertThat(text(ch.receive())).startsWith("hello ");
        }
        MinBus strangerBus = bus(address, stranger);
        assertThat(strangerBus.plugins()).isEmpty();
        assertThatThrownBy(() -> strangerBus.connect("secret")).isInstanceOf(NoSuchPluginException.class)
                .hasMessage(messageOf(() -> strangerBus.connect("nobody")).replace("nobody", "secret"));
        assertThat(asked).containsExactlyInAnyOrder(new Requester(Optional.of(friend.identity())),
                new Requester(Optional.of(stranger.identity()))); // once per identity, kept afterwards

        // a trusted plugin (the bus's own key) is of the plugin's identity: sees it without a question
        assertThat(bus(address, serverKeys).plugins()).containsExactly(new PluginInfo("secret", 3));
        assertThat(asked).hasSize(2);
    }

    @Test
    void aPolicyThatNeverAnswersLeavesThePluginHiddenAndTheBusHealthy() throws Exception {
        BusAddress address = start(ServerLimits.builder().visibilityTimeout(Duration.ofMillis(500)).build());
        CountDownLatch never = new CountDownLatch(1);
        toClose.add(never::countDown);
        CountDownLatch asked = new CountDownLatch(1);
        bus(address, serverKeys).register("stuck", 1, requester -> {
            asked.countDown();
            try {
                never.await(); // never answers while the test runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        });
        MinBus peer = bus(address, Keys.generate());
        assertThatThrownBy(() -> peer.connect("stuck")).isInstanceOf(NoSuchPluginException.class);
        assertThat(asked.await(20, TimeUnit.SECONDS)).isTrue();
        bus(address, serverKeys).register("open", 1, Visibility.ALWAYS);
        assertThat(peer.plugins()).containsExactly(new PluginInfo("open", 1));
    }

    @Test
    void aPolicyThatThrowsDenies() {
        BusAddress address = start(ServerLimits.defaults());
        bus(address, serverKeys).register("grumpy", 1, requester -> {
            throw new IllegalStateException("no");
        });
        MinBus peer = bus(address, Keys.generate());
        assertThat(peer.plugins()).isEmpty();
        assertThatThrownBy(() -> peer.connect("grumpy")).isInstanceOf(NoSuchPluginException.class);
    }

    @Test
    void aKeyedWatchShowsKeysAndAnExplicitPluginJoinsOnceItAllows() {
        BusAddress address = start(ServerLimits.defaults());
        Keys watcherKeys = Keys.generate();
        Keys otherKeys = Keys.generate();
        bus(address, otherKeys).register("other", 1, Visibility.ALWAYS);
        try (Watch w = bus(address, watcherKeys).watchWithKeys()) {
            WatchEvent.Snapshot snapshot = (WatchEvent.Snapshot) w.next();
            assertThat(snapshot.plugins()).containsExactly(new PluginInfo("other", 1));
            assertThat(snapshot.keys()).isEqualTo(Map.of("other", otherKeys.identity()));
            MinBus secretBus = bus(address, serverKeys);
            secretBus.register("secret", 2, VisibilityPolicy.onlyKeys(watcherKeys.identity()));
            assertThat(w.next(WAIT)).contains(new WatchEvent.Joined(new PluginInfo("secret", 2),
                    Optional.of(serverKeys.identity())));
            secretBus.close();
            assertThat(w.next(WAIT)).contains(new WatchEvent.Left(new PluginInfo("secret", 2),
                    Optional.of(serverKeys.identity())));
        }
    }

    @Test
    void aPlainWatchCarriesNoKeys() {
        BusAddress address = start(ServerLimits.defaults());
        bus(address, Keys.generate()).register("other", 1, Visibility.ALWAYS);
        try (Watch w = bus(address, Keys.generate()).watch()) {
            assertThat(w.next()).isEqualTo(new WatchEvent.Snapshot(List.of(new PluginInfo("other", 1))));
        }
    }

    @Test
    void explicitWithoutAPolicyDeniesOtherIdentities() {
        BusAddress address = start(ServerLimits.defaults());
        bus(address, serverKeys).register("quiet", 1, Visibility.EXPLICIT);
        assertThat(bus(address, Keys.generate()).plugins()).isEmpty();
        assertThat(bus(address, serverKeys).plugins()).containsExactly(new PluginInfo("quiet", 1));
    }

    private static String messageOf(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("no exception");
    }
}
