package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every test of {@link CallNotifyTest} again, on channels that support {@link
 * MessageChannel#deliverTo} (as minbus channels do), plus what only direct delivery does: which
 * messages skip the endpoint's reader (the response to a lone plain call), and that those declined
 * lose nothing (docs/rpc.md §9).
 */
@Timeout(30)
class DirectDeliveryTest extends CallNotifyTest {

    @Override
    Peers peers(RpcNode server) {
        return new Peers(server, false, true);
    }

    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicReference<String> handlerThread = new AtomicReference<>();
    private final Peers gated = new Peers(RpcNode.builder().instance("gated", request -> RpcConfig.builder()
            .maxConcurrentRequests(1)
            .command("echo", m -> m.body())
            .command("wait", m -> {
                handlerThread.set(Thread.currentThread().getName());
                gate.await();
                return m.body();
            })
            .build()).build(), false, true);

    private final Peers open = new Peers(RpcNode.builder().instance("open", request -> RpcConfig.builder()
            .command("echo", m -> m.body())
            .build()).build(), false, true);

    @AfterEach
    void closeGated() {
        gate.countDown();
        gated.close();
        open.close();
    }

    @Test
    void theResponseToALonePlainCallIsTakenOnTheDeliveringThreadAndRequestsNever() {
        RpcEndpoint client = open.connect("open", new byte[0], RpcConfig.defaults());
        MemoryChannel clientEnd = open.channels().get(0);
        MemoryChannel serverEnd = open.channels().get(1);
        // a response can race the client's reader arming (first after the handshake, or after a
        // queued message): it then queues, which is also correct. Once one was taken, the reader
        // stays armed, and the response to every later lone call is taken.
        for (int warm = 0; ; warm++) {
            assertThat(warm).as("warm-up calls until the client's reader is armed").isLessThan(50);
            long c = clientEnd.taken();
            assertThat(client.call("echo", "warm".getBytes(UTF_8))).isEqualTo("warm".getBytes(UTF_8));
            if (clientEnd.taken() == c + 1) {
                break;
            }
        }
        long clientBefore = clientEnd.taken();
        for (int i = 0; i < 100; i++) {
            assertThat(new String(client.call("echo", ("n" + i).getBytes(UTF_8)), UTF_8)).isEqualTo("n" + i);
        }
        assertThat(clientEnd.taken() - clientBefore).as("responses taken").isEqualTo(100);
        assertThat(serverEnd.taken()).as("requests go to the server endpoint's reader").isZero();
    }

    @Test
    void aResponseWhileOtherCallsAreInFlightGoesToTheReaderAndLosesNothing() throws Exception {
        RpcEndpoint client = gated.connect("gated", new byte[0], RpcConfig.defaults());
        MemoryChannel clientEnd = gated.channels().get(0);
        CompletableFuture<byte[]> waiting = CompletableFuture.supplyAsync(() -> client.call("wait", "first".getBytes(UTF_8)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handlerThread.get() != null);
        // maxConcurrentRequests(1): "echo" waits for the permit; its response comes while "wait" is in flight
        long written = clientEnd.writes();
        CompletableFuture<byte[]> echo = CompletableFuture.supplyAsync(() -> client.call("echo", "second".getBytes(UTF_8)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> clientEnd.writes() > written);
        long before = clientEnd.taken();
        gate.countDown();
        assertThat(new String(waiting.get(10, TimeUnit.SECONDS), UTF_8)).isEqualTo("first");
        assertThat(new String(echo.get(10, TimeUnit.SECONDS), UTF_8)).isEqualTo("second");
        // the response to "wait" came while "echo" was in flight: declined. "echo"'s came alone, and may be taken
        assertThat(clientEnd.taken() - before).as("responses taken").isLessThanOrEqualTo(1);
    }

    @Test
    void anAsynchronousCallsCallbacksNeverRunOnTheDeliveringThread() throws Exception {
        RpcEndpoint client = gated.connect("gated", new byte[0], RpcConfig.defaults());
        CompletableFuture<byte[]> call = client.callAsync("wait", "x".getBytes(UTF_8));
        CompletableFuture<String> ranOn = call.thenApply(body -> Thread.currentThread().getName());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handlerThread.get() != null);
        gate.countDown(); // the handler's thread sends the response: it must not run the caller's callback
        assertThat(ranOn.get(10, TimeUnit.SECONDS)).startsWith("minbus-rpc-reader").isNotEqualTo(handlerThread.get());
        assertThat(gated.channels().get(0).taken()).as("the response of an asynchronous call is not taken").isZero();
    }
}
