package io.minbus.server;

import static io.minbus.server.TestPlugin.WAIT;
import static io.minbus.server.TestPlugin.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.identity.Keys;
import io.minbus.identity.NetworkKey;
import io.minbus.identity.SecureTransport;
import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.Incoming;
import io.minbus.mux.IncomingRequest;
import io.minbus.mux.Stream;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.Event;
import io.minbus.protocol.KeyedEvent;
import io.minbus.protocol.KeyedPluginList;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.protocol.Visibility;
import io.minbus.protocol.VisibilityAnswer;
import io.minbus.protocol.VisibilityQuestion;
import io.minbus.transport.BusAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Explicit visibility (docs/minbus.md §18.7) and the keyed connection stream (§18.8), with raw
 * sessions: the explicit plugin is a trusted local plugin, the requesters are peers over TCP with the
 * secret handshake (each with a key of its own), so every question carries a key.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExplicitVisibilityTest {
    final Keys serverKeys = Keys.generate();
    final List<AutoCloseable> toClose = new ArrayList<>();
    final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    TestBus bus;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        pool.shutdownNow();
        if (bus != null) {
            bus.close();
        }
    }

    void start(UnaryOperator<ServerLimits.Builder> limits) {
        bus = TestBus.start(2, b -> b.keys(serverKeys)
                .limits(limits.apply(ServerLimits.builder()).build())
                .listen(new BusAddress.Tcp("127.0.0.1", 0, Optional.of(serverKeys.identity().base64()))));
    }

    /** A raw plugin over the ~shs listener, proving {@code keys}. */
    TestPlugin peer(Keys keys) {
        BusAddress.Tcp shs = (BusAddress.Tcp) bus.server.addresses().get(2);
        TestPlugin p = TestPlugin.over(SecureTransport.connect(shs, NetworkKey.MINBUS, keys));
        toClose.add(p);
        return p;
    }

    TestPlugin explicitPlugin(String name) {
        TestPlugin p = bus.plugin();
        toClose.add(p);
        assertThat(p.register(Registration.named(name, 1).withVisibility(Visibility.EXPLICIT)).isAccepted()).isTrue();
        return p;
    }

    static IncomingRequest question(TestPlugin plugin) {
        Incoming in = plugin.session.accept(WAIT).orElseThrow(() -> new AssertionError("no question within " + WAIT));
        assertThat(in).isInstanceOf(IncomingRequest.class);
        return (IncomingRequest) in;
    }

    static ByteBuffer refusal(Duplex d) {
        try {
            d.receive(WAIT);
            throw new AssertionError("the connect was accepted");
        } catch (EndedException e) {
            return e.reason();
        }
    }

    @Test
    void aDenialHidesThePluginExactlyLikeANameNobodyHolds() {
        start(l -> l);
        TestPlugin secret = explicitPlugin("secret");
        Keys peerKeys = Keys.generate();
        TestPlugin peer = peer(peerKeys).nameless();

        CompletableFuture<PluginList> listing = CompletableFuture.supplyAsync(peer::query, pool);
        IncomingRequest q = question(secret);
        assertThat(VisibilityQuestion.decode(q.opening())).isEqualTo(VisibilityQuestion.peer(peerKeys.identity().base64()));
        q.respond(VisibilityAnswer.DENY.encode());
        assertThat(listing.join().plugins()).isEmpty();

        ByteBuffer hidden = refusal(peer.connect(ConnectRequest.to("secret")));
        ByteBuffer unknown = refusal(peer.connect(ConnectRequest.to("nobody")));
        assertThat(hidden).isEqualTo(bytes(Reason.NO_SUCH_PLUGIN)).isEqualTo(unknown);
        assertThat(peer.query().plugins()).isEmpty();
        assertThat(secret.session.accept(Duration.ofMillis(300))).as("the denial is kept: no second question").isEmpty();
        // a trusted local plugin is of the explicit plugin's own identity: sees it, nothing asked
        TestPlugin local = bus.plugin().nameless();
        toClose.add(local);
        assertThat(local.query().plugins()).containsExactly(new PluginInfo("secret", 1));
    }

    @Test
    void anAllowedPeerWaitsForTheAnswerThenSeesAndReachesThePlugin() {
        start(l -> l);
        TestPlugin secret = explicitPlugin("secret");
        TestPlugin peer = peer(Keys.generate()).nameless();

        Duplex connecting = peer.connect(ConnectRequest.to("secret")); // waits for the answer (§18.7)
        question(secret).respond(VisibilityAnswer.ALLOW.encode());
        secret.accept();
        assertThat(TestPlugin.next(connecting).remaining()).as("accepted").isZero();
        assertThat(peer.query().plugins()).containsExactly(new PluginInfo("secret", 1));
    }

    @Test
    void aMalformedAnswerIsADenialAndNobodyLosesTheirConnection() {
        start(l -> l);
        TestPlugin secret = explicitPlugin("secret");
        TestPlugin peer = peer(Keys.generate()).nameless();
        CompletableFuture<PluginList> listing = CompletableFuture.supplyAsync(peer::query, pool);
        question(secret).respond(bytes(0x00, 0x00)); // two bytes: malformed
        assertThat(listing.join().plugins()).isEmpty();
        assertThat(refusal(peer.connect(ConnectRequest.to("secret")))).isEqualTo(bytes(Reason.NO_SUCH_PLUGIN));

        TestPlugin other = peer(Keys.generate()).nameless();
        CompletableFuture<PluginList> second = CompletableFuture.supplyAsync(other::query, pool);
        question(secret).respond(bytes(0x07)); // an unknown answer byte: malformed
        assertThat(second.join().plugins()).isEmpty();

        TestPlugin third = peer(Keys.generate()).nameless();
        CompletableFuture<PluginList> refused = CompletableFuture.supplyAsync(third::query, pool);
        question(secret).close(ByteBuffer.allocate(0)); // what an old plugin does with a request it does not know
        assertThat(refused.join().plugins()).isEmpty();

        assertThat(secret.session.isOpen()).isTrue();
        assertThat(secret.query().plugins()).isEmpty(); // the explicit plugin's connection still works
        TestPlugin later = bus.plugin().registered("later", 1);
        toClose.add(later);
        assertThat(third.query().plugins()).as("the bus is healthy").isEmpty(); // "later" is trusted: hidden from peers
        assertThat(later.query().plugins()).containsExactly(new PluginInfo("secret", 1));
    }

    @Test
    void aPluginThatNeverAnswersIsDeniedAfterTheTimeoutAndTheBusStaysHealthy() {
        start(l -> l.visibilityTimeout(Duration.ofMillis(300))); // the plugin never answers: no race
        TestPlugin secret = explicitPlugin("secret");
        TestPlugin peer = peer(Keys.generate()).nameless();
        Duplex connecting = peer.connect(ConnectRequest.to("secret"));
        IncomingRequest q = question(secret); // never answered
        assertThat(refusal(connecting)).isEqualTo(bytes(Reason.NO_SUCH_PLUGIN));
        await().atMost(Duration.ofSeconds(30)).until(() -> q.cancelReason().isPresent()); // the bus gave up on it
        assertThat(peer.query().plugins()).isEmpty();

        TestPlugin open = bus.plugin();
        toClose.add(open);
        assertThat(open.register(Registration.named("open", 1).withVisibility(Visibility.ALWAYS)).isAccepted()).isTrue();
        assertThat(peer.query().plugins()).containsExactly(new PluginInfo("open", 1));
        assertThat(secret.query().plugins()).containsExactly(new PluginInfo("open", 1));
    }

    @Test
    void theStatsCountTheQuestionsAskedAndTheOnesLeftUnanswered() {
        start(l -> l.visibilityTimeout(Duration.ofMillis(300))); // the second question is never answered: no race
        TestPlugin secret = explicitPlugin("secret");
        TestPlugin allowed = peer(Keys.generate()).nameless();
        CompletableFuture<PluginList> listing = CompletableFuture.supplyAsync(allowed::query, pool);
        question(secret).respond(VisibilityAnswer.ALLOW.encode());
        assertThat(listing.join().plugins()).containsExactly(new PluginInfo("secret", 1));
        assertThat(allowed.query().plugins()).as("the answer is kept: not asked again").hasSize(1);

        TestPlugin ignored = peer(Keys.generate()).nameless();
        Duplex connecting = ignored.connect(ConnectRequest.to("secret"));
        question(secret); // never answered
        assertThat(refusal(connecting)).isEqualTo(bytes(Reason.NO_SUCH_PLUGIN));

        ServerStats s = bus.stats();
        assertThat(s.visibilityQuestions()).isEqualTo(2);
        assertThat(s.visibilityTimeouts()).isEqualTo(1);
    }

    @Test
    void questionsAreBoundedPerPlugin() {
        start(l -> l.maxVisibilityQuestions(1));
        TestPlugin secret = explicitPlugin("secret");
        TestPlugin first = peer(Keys.generate()).nameless();
        TestPlugin second = peer(Keys.generate()).nameless();
        CompletableFuture<PluginList> waiting = CompletableFuture.supplyAsync(first::query, pool);
        IncomingRequest q = question(secret);
        // the second identity finds the one place taken: denied for this query only, nothing kept
        assertThat(second.query().plugins()).isEmpty();
        q.respond(VisibilityAnswer.ALLOW.encode());
        assertThat(waiting.join().plugins()).containsExactly(new PluginInfo("secret", 1));
        CompletableFuture<PluginList> again = CompletableFuture.supplyAsync(second::query, pool);
        question(secret).respond(VisibilityAnswer.ALLOW.encode()); // asked again, now that there is room
        assertThat(again.join().plugins()).containsExactly(new PluginInfo("secret", 1));
    }

    @Test
    void aWatchGetsJoinedOnceThePluginAllowsAndLeftWhenItGoes() {
        start(l -> l);
        TestPlugin peer = peer(Keys.generate()).nameless();
        Stream watch = peer.watch();
        assertThat(TestPlugin.snapshot(watch).plugins()).isEmpty();
        TestPlugin secret = explicitPlugin("secret"); // joins while the stream is open: asked at once
        question(secret).respond(VisibilityAnswer.ALLOW.encode());
        assertThat(TestPlugin.event(watch)).isEqualTo(Event.joined(new PluginInfo("secret", 1)));
        secret.close();
        assertThat(TestPlugin.event(watch)).isEqualTo(Event.left(new PluginInfo("secret", 1)));
    }

    @Test
    void aWatchOpenedBeforeTheAnswerLeavesTheDeniedPluginOut() {
        start(l -> l);
        TestPlugin secret = explicitPlugin("secret");
        TestPlugin peer = peer(Keys.generate()).nameless();
        Stream watch = peer.watch();
        assertThat(TestPlugin.snapshot(watch).plugins()).as("unknown = absent").isEmpty();
        question(secret).respond(VisibilityAnswer.DENY.encode());
        TestPlugin open = bus.plugin();
        toClose.add(open);
        assertThat(open.register(Registration.named("open", 1).withVisibility(Visibility.ALWAYS)).isAccepted()).isTrue();
        assertThat(TestPlugin.event(watch)).as("nothing about the denied plugin came first")
                .isEqualTo(Event.joined(new PluginInfo("open", 1)));
    }

    @Test
    void theKeyedStreamCarriesTheKeysOfSnapshotAndEvents() {
        start(l -> l);
        Keys aKeys = Keys.generate();
        TestPlugin a = peer(aKeys);
        assertThat(a.register(Registration.named("a", 1).withVisibility(Visibility.ALWAYS)).isAccepted()).isTrue();
        TestPlugin watcher = bus.plugin().nameless();
        toClose.add(watcher);
        Stream keyed = watcher.session.openStream(ByteBuffer.wrap(new byte[] {KeyedPluginList.STREAM}));
        assertThat(KeyedPluginList.decode(TestPlugin.next(keyed))).isEqualTo(new KeyedPluginList(List.of(
                new KeyedPluginList.Entry(new PluginInfo("a", 1), Optional.of(aKeys.identity().base64())))));
        TestPlugin b = bus.plugin().registered("b", 2);
        toClose.add(b);
        assertThat(KeyedEvent.decode(TestPlugin.next(keyed)))
                .isEqualTo(new KeyedEvent(Event.Kind.JOINED, new PluginInfo("b", 2), Optional.empty()));
        a.close();
        assertThat(KeyedEvent.decode(TestPlugin.next(keyed))).isEqualTo(
                new KeyedEvent(Event.Kind.LEFT, new PluginInfo("a", 1), Optional.of(aKeys.identity().base64())));
        // one stream at a time counts both kinds; another opening payload is unexpected
        Stream plain = watcher.watch();
        assertThatThrownBy(() -> plain.receive(WAIT)).isInstanceOf(EndedException.class);
        Stream odd = watcher.session.openStream(ByteBuffer.wrap(new byte[] {0x02}));
        assertThatThrownBy(() -> odd.receive(WAIT)).isInstanceOf(EndedException.class);
    }
}
