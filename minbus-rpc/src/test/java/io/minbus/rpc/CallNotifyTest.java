package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The untyped API: call, notify, handlers on both sides, errors, timeouts, cancellation, close. */
@Timeout(30)
class CallNotifyTest {

    private final CompletableFuture<RpcEndpoint> serverSide = new CompletableFuture<>();
    private final CountDownLatch forever = new CountDownLatch(1);
    private final CountDownLatch handlerInterrupted = new CountDownLatch(1);
    private final CountDownLatch handlerStarted = new CountDownLatch(1);
    private final List<String> serverLog = new CopyOnWriteArrayList<>();

    private final RpcNode server = RpcNode.builder().instance("echo", request -> RpcConfig.builder()
            .command("echo", m -> m.body())
            .command("upper", m -> new String(m.body(), UTF_8).toUpperCase().getBytes(UTF_8))
            .command("fail", m -> {
                throw new IllegalStateException("boom: " + new String(m.body(), UTF_8));
            })
            .command("block", m -> {
                handlerStarted.countDown();
                try {
                    forever.await();
                } catch (InterruptedException e) {
                    handlerInterrupted.countDown();
                    throw e;
                }
                return new byte[0];
            })
            .command("log", m -> {
                serverLog.add(new String(m.body(), UTF_8));
                return null;
            })
            .command("askClient", m -> m.endpoint().call("whoami", new byte[0]))
            .onRegistered(serverSide::complete)
            .build()).build();
    final Peers peers = peers(server);

    /** The peers the tests run on; a subclass runs them all again on other channels. */
    Peers peers(RpcNode server) {
        return new Peers(server, false);
    }

    @AfterEach
    void close() {
        forever.countDown();
        peers.close();
    }

    private RpcEndpoint connect() {
        return peers.connect("echo", new byte[0], RpcConfig.builder()
                .command("whoami", m -> "client".getBytes(UTF_8))
                .build());
    }

    @Test
    void callsBothWays() throws Exception {
        RpcEndpoint client = connect();
        assertThat(client.call("echo", "hi".getBytes(UTF_8))).asString(UTF_8).isEqualTo("hi");
        assertThat(client.call("upper", "hi".getBytes(UTF_8))).asString(UTF_8).isEqualTo("HI");
        RpcEndpoint server = serverSide.get(5, TimeUnit.SECONDS);
        assertThat(server.call("whoami", new byte[0])).asString(UTF_8).isEqualTo("client");
        assertThat(client.call("askClient", new byte[0])).as("a handler calls back into the caller").asString(UTF_8).isEqualTo("client");
        assertThat(client.instance()).isEqualTo("echo");
        assertThat(server.instance()).isEqualTo("echo");
    }

    @Test
    void emptyAndBinaryBodiesTravelUntouched() {
        RpcEndpoint client = connect();
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        assertThat(client.call("echo", new byte[0])).isEmpty();
        assertThat(client.call("echo", binary)).isEqualTo(binary);
    }

    @Test
    void notifyReachesTheHandler() {
        RpcEndpoint client = connect();
        client.notify("log", "one".getBytes(UTF_8));
        client.notify("log", "two".getBytes(UTF_8));
        client.call("echo", new byte[0]); // not ordered with notifications; await them below
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> serverLog.size() == 2);
        assertThat(serverLog).containsExactly("one", "two");
    }

    @Test
    void aFailingHandlerAnswersWithItsClassAndMessage() {
        RpcEndpoint client = connect();
        assertThatThrownBy(() -> client.call("fail", "x".getBytes(UTF_8)))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.remoteType()).hasValue("java.lang.IllegalStateException");
                    assertThat(e.remoteMessage()).isEqualTo("boom: x");
                    assertThat(e.command()).isEqualTo("fail");
                    assertThat(e.is(IllegalStateException.class)).isTrue();
                })
                .hasMessage("the peer failed command 'fail': java.lang.IllegalStateException: boom: x");
        assertThat(client.call("echo", "still fine".getBytes(UTF_8))).asString(UTF_8).isEqualTo("still fine");
    }

    @Test
    void anUnknownCommandSaysWhatIsServed() {
        RpcEndpoint client = connect();
        assertThatThrownBy(() -> client.call("frob", new byte[0]))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.is(UnknownCommandException.class)).isTrue())
                .hasMessageContaining("unknown command 'frob'; this endpoint serves: GetMetadata, askClient, block, cmd.ping, cmd.stop, echo, fail, log, upper");
    }

    @Test
    void aTimeoutCancelsTheHandlerAtThePeer() throws Exception {
        RpcEndpoint client = connect();
        assertThatThrownBy(() -> client.call("block", new byte[0], Duration.ofMillis(200)))
                .isInstanceOf(RpcTimeoutException.class)
                .hasMessageContaining("call 'block'").hasMessageContaining("got no response within PT0.2S");
        assertThat(handlerInterrupted.await(5, TimeUnit.SECONDS)).as("the handler was interrupted by cmd.cancel").isTrue();
        assertThat(client.call("echo", "after".getBytes(UTF_8))).asString(UTF_8).isEqualTo("after");
    }

    @Test
    void theConfiguredTimeoutAppliesToCallsThatNameNone() {
        RpcEndpoint client = peers.connect("echo", new byte[0], RpcConfig.builder().callTimeout(Duration.ofMillis(100)).build());
        assertThatThrownBy(() -> client.call("block", new byte[0])).isInstanceOf(RpcTimeoutException.class);
        assertThatThrownBy(() -> client.callAsync("block", new byte[0]).join()).hasCauseInstanceOf(RpcTimeoutException.class);
    }

    @Test
    void cancellingTheFutureCancelsTheHandler() throws Exception {
        RpcEndpoint client = connect();
        CompletableFuture<byte[]> call = client.callAsync("block", new byte[0]);
        assertThat(handlerStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(call.cancel(true)).isTrue();
        assertThatThrownBy(call::get).isInstanceOf(CancellationException.class);
        assertThat(handlerInterrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void interruptingABlockedCallerCancelsTheCall() throws Exception {
        RpcEndpoint client = connect();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                client.call("block", new byte[0]);
            } catch (Throwable t) {
                failure.complete(t);
            }
        });
        assertThat(handlerStarted.await(5, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(RpcCancelledException.class).hasMessageContaining("interrupted");
        assertThat(handlerInterrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closingFailsPendingCallsAndLaterOnes() throws Exception {
        RpcEndpoint client = connect();
        CompletableFuture<byte[]> call = client.callAsync("block", new byte[0]);
        assertThat(handlerStarted.await(5, TimeUnit.SECONDS)).isTrue();
        RpcEndpoint server = serverSide.get(5, TimeUnit.SECONDS);
        server.close();
        assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("the peer closed the channel").hasMessageContaining("before the response to 'block' arrived");
        client.closed().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(client.isOpen()).isFalse();
        assertThatThrownBy(() -> client.call("echo", new byte[0])).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> client.notify("log", new byte[0])).isInstanceOf(ChannelClosedException.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> peers.openChannelEnds() == 0);
    }

    @Test
    void theRegistrationCallbackRunsBeforeAnyIncomingMessage() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch clientRegistered = new CountDownLatch(1);
        RpcNode node = RpcNode.builder().instance("hello", request -> RpcConfig.builder()
                .onRegistered(ep -> {
                    // the server greets the client at once; the client's callback below is still running
                    ep.notify("greet", "first".getBytes(UTF_8));
                    events.add("server registered");
                })
                .build()).build();
        try (Peers p = new Peers(node, false)) {
            RpcEndpoint client = p.connect("hello", new byte[0], RpcConfig.builder()
                    .command("greet", m -> {
                        events.add("greeted");
                        return null;
                    })
                    .onRegistered(ep -> {
                        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("server registered"));
                        assertThat(ep.call(CommandsForTests.PING, new byte[0])).as("calls work inside the callback").isEmpty();
                        events.add("client registered");
                        clientRegistered.countDown();
                    })
                    .build());
            assertThat(clientRegistered.await(5, TimeUnit.SECONDS)).isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("greeted"));
            assertThat(events).containsExactly("server registered", "client registered", "greeted");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void handlersSeeTheirEndpoint() {
        CompletableFuture<RpcEndpoint> seen = new CompletableFuture<>();
        RpcEndpoint client = peers.connect("echo", new byte[0], RpcConfig.builder().build());
        assertThat(RpcEndpoint.current()).isEmpty();
        RpcNode node = RpcNode.builder().instance("x", r -> RpcConfig.builder().command("who", m -> {
            seen.complete(RpcEndpoint.current().orElseThrow());
            return new byte[0];
        }).build()).build();
        try (Peers p = new Peers(node, false)) {
            RpcEndpoint c = p.connect("x", new byte[0], RpcConfig.defaults());
            c.call("who", new byte[0]);
            assertThat(seen.join().instance()).isEqualTo("x");
        }
        client.close();
    }

    @Test
    void reservedCommandsCannotBeServed() {
        assertThatThrownBy(() -> RpcConfig.builder().command("cmd.ping", m -> null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> RpcConfig.builder().command("GetMetadata", m -> null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RpcConfig.builder().command("a@b", m -> null)).hasMessageContaining("'@'");
        assertThatThrownBy(() -> RpcConfig.builder().command("", m -> null)).hasMessageContaining("0 bytes");
        assertThatThrownBy(() -> RpcConfig.builder().command("x", m -> null).command("x", m -> null)).hasMessageContaining("served twice");
    }
}
