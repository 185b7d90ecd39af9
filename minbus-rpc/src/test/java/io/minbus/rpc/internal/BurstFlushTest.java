package io.minbus.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.rpc.MemoryChannel;
import io.minbus.rpc.Peers;
import io.minbus.rpc.RemoteException;
import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.RpcEndpoint;
import io.minbus.rpc.RpcNode;
import io.minbus.rpc.RpcTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst leaves in one flush (docs/rpc.md §9): handlers and woken callers that are about to send are
 * counted, a virtual thread yields once before flushing while any are, and the count goes back to zero
 * whatever happens to the calls.
 */
@Timeout(60)
class BurstFlushTest {

    private static final int BURST = 32;
    private static final int BURSTS = 10;

    /** The handlers of the current burst wait at this gate. */
    private static final class Gate {
        final CountDownLatch waiting = new CountDownLatch(BURST);
        final List<Thread> gated = new CopyOnWriteArrayList<>();
        volatile boolean open;

        /**
         * Makes every gated handler runnable at once. Not a latch: a latch wakes its waiters one after
         * the other (each woken thread wakes the next), so they would never be runnable together.
         */
        void release() {
            open = true;
            gated.forEach(LockSupport::unpark);
        }
    }

    private volatile Gate gate = new Gate();
    private final CompletableFuture<RpcEndpoint> serverSide = new CompletableFuture<>();
    private final RpcNode server = RpcNode.builder().instance("b", r -> RpcConfig.builder()
            .command("gate", m -> {
                Gate g = gate;
                g.gated.add(Thread.currentThread());
                g.waiting.countDown();
                while (!g.open) {
                    LockSupport.park(g);
                }
                return m.body();
            })
            .command("fast", m -> m.body())
            .command("fail", m -> {
                throw new IllegalStateException("asked to fail");
            })
            .command("never", m -> {
                new CountDownLatch(1).await(); // until cancelled (interrupted)
                return m.body();
            })
            .onRegistered(serverSide::complete)
            .build()).build();
    private final Peers peers = new Peers(server, false);

    @AfterEach
    void close() {
        gate.release();
        peers.close();
    }

    /**
     * 32 handlers become runnable together, ten times. Each flush that delivers frames stands for a
     * system call. Without the yield a handler flushed its own answer whenever no other thread was
     * writing at that instant: 274-304 flushes for the 320 answers in three runs on 2 vCPUs; with it
     * 22-47, and once 97 in a full build. The bound, half the answers, tells the two apart without
     * depending on how the machine schedules the 32 threads.
     */
    @Test
    void answersReadyTogetherLeaveInFewerFlushesThanAnswers() throws Exception {
        RpcEndpoint client = peers.connect("b", new byte[0], RpcConfig.builder().build());
        Endpoint srv = (Endpoint) serverSide.get(5, TimeUnit.SECONDS);
        MemoryChannel serverChannel = peers.channels().get(1); // Peers pairs (client end, server end)
        long flushes = 0;
        for (int burst = 0; burst < BURSTS; burst++) {
            Gate g = new Gate();
            gate = g;
            List<CompletableFuture<byte[]>> calls = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                calls.add(client.callAsync("gate", bytes(i)));
            }
            assertThat(g.waiting.await(10, TimeUnit.SECONDS)).as("all handlers wait at the gate").isTrue();
            assertThat(srv.outbox().expected()).as("every started handler is counted").isEqualTo(BURST);
            long before = serverChannel.deliveringFlushes();
            g.release();
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            flushes += serverChannel.deliveringFlushes() - before;
            for (int i = 0; i < BURST; i++) {
                assertThat(ByteBuffer.wrap(calls.get(i).get()).getLong()).isEqualTo(i);
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> srv.outbox().expected() == 0);
        }
        System.out.printf("BurstFlushTest: %d answers in %d bursts left in %d flushes%n", BURSTS * BURST, BURSTS, flushes);
        assertThat(flushes).isPositive().isLessThanOrEqualTo(BURSTS * BURST / 2);
    }

    @Test
    void theCountReturnsToZeroAfterAnswersErrorsTimeoutsAndCancels() throws Exception {
        Endpoint client = (Endpoint) peers.connect("b", new byte[0], RpcConfig.builder().build());
        Endpoint srv = (Endpoint) serverSide.get(5, TimeUnit.SECONDS);
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int id = t;
            callers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 50; i++) {
                    client.call("fast", bytes(i));
                    try {
                        client.call("fail", bytes(i));
                        throw new AssertionError("fail did not fail");
                    } catch (RemoteException expected) {
                        // the handler's exception travelled back
                    }
                }
                if (id % 4 == 0) {
                    try {
                        client.call("never", bytes(id), Duration.ofMillis(20));
                        throw new AssertionError("never answered");
                    } catch (RpcTimeoutException expected) {
                        // cancelled at the peer, whose handler is interrupted and never answers
                    }
                }
            }));
        }
        for (Thread t : callers) {
            t.join(Duration.ofSeconds(30));
            assertThat(t.isAlive()).isFalse();
        }
        CompletableFuture<byte[]> cancelled = client.callAsync("never", bytes(99));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> srv.outbox().expected() >= 1);
        cancelled.cancel(true);
        assertThat(cancelled).isCancelled();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> srv.outbox().expected() == 0);
        assertThat(client.outbox().expected()).as("the callers' side").isZero();
        assertThat(client.call("fast", bytes(7))).isEqualTo(bytes(7));
        assertThat(client.outbox().expected()).isZero();
    }

    @Test
    void aCallerIsNoLongerCountedOnceItHasReturned() {
        Endpoint client = (Endpoint) peers.connect("b", new byte[0], RpcConfig.builder().build());
        for (int i = 0; i < 100; i++) {
            assertThat(ByteBuffer.wrap(client.call("fast", bytes(i))).getLong()).isEqualTo(i);
            assertThat(client.outbox().expected()).isZero();
        }
    }

    private static byte[] bytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }
}
