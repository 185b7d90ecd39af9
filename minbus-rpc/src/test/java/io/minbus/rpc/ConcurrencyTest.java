package io.minbus.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many calls in flight both ways on one channel, slow handlers, and the order of notifications. */
@Timeout(60)
class ConcurrencyTest {

    private static final int IN_FLIGHT = 1_000;

    private final CompletableFuture<RpcEndpoint> serverSide = new CompletableFuture<>();
    private final CountDownLatch bothSidesFull = new CountDownLatch(2 * IN_FLIGHT);
    private final List<Long> notified = new CopyOnWriteArrayList<>();
    private final CountDownLatch slowMayFinish = new CountDownLatch(1);

    private RpcConfig config(java.util.function.Consumer<RpcEndpoint> onRegistered) {
        return RpcConfig.builder()
                // answers only once all 2,000 calls of both sides are running at the same time
                .command("hold", m -> {
                    bothSidesFull.countDown();
                    if (!bothSidesFull.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("not all calls were in flight at once: " + bothSidesFull.getCount() + " missing");
                    }
                    return m.body();
                })
                .command("slow", m -> {
                    slowMayFinish.await();
                    return m.body();
                })
                .command("fast", m -> m.body())
                .command("seq", m -> {
                    notified.add(ByteBuffer.wrap(m.body()).getLong());
                    return null;
                })
                .onRegistered(onRegistered)
                .build();
    }

    private final RpcNode server = RpcNode.builder().instance("c", r -> config(serverSide::complete)).build();
    private final Peers peers = new Peers(server, false);

    @AfterEach
    void close() {
        slowMayFinish.countDown();
        peers.close();
    }

    @Test
    void aThousandCallsInFlightEachWay() throws Exception {
        RpcEndpoint client = peers.connect("c", new byte[0], config(ep -> {}));
        RpcEndpoint srv = serverSide.get(5, TimeUnit.SECONDS);
        List<CompletableFuture<byte[]>> calls = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            calls.add(client.callAsync("hold", bytes(i)));
            calls.add(srv.callAsync("hold", bytes(IN_FLIGHT + i)));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(45, TimeUnit.SECONDS);
        for (int i = 0; i < IN_FLIGHT; i++) {
            assertThat(ByteBuffer.wrap(calls.get(2 * i).get()).getLong()).isEqualTo(i);
            assertThat(ByteBuffer.wrap(calls.get(2 * i + 1).get()).getLong()).isEqualTo(IN_FLIGHT + i);
        }
    }

    /**
     * Smart batching (docs/rpc.md §9): frames are written without a flush and the last of the
     * concurrent senders flushes. The memory channel delivers a written frame only on a flush, so
     * one frame left unflushed would leave its call hanging and this test timing out.
     */
    @Test
    void concurrentCallersLeaveNoFrameUnflushed() throws Exception {
        RpcEndpoint client = peers.connect("c", new byte[0], config(ep -> {}));
        int callers = 64;
        int calls = 200;
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        for (int t = 0; t < callers; t++) {
            long base = 1_000_000L * t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < calls; i++) {
                    byte[] answer = client.call("fast", bytes(base + i));
                    if (ByteBuffer.wrap(answer).getLong() != base + i) {
                        throw new AssertionError("wrong answer " + ByteBuffer.wrap(answer).getLong() + " for " + (base + i));
                    }
                    done.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(done.get()).isEqualTo((long) callers * calls);
        long writes = peers.channels().stream().mapToLong(MemoryChannel::writes).sum();
        long flushes = peers.channels().stream().mapToLong(MemoryChannel::flushes).sum();
        System.out.printf("ConcurrencyTest: %d frames written, %d flushes (%.1f frames per flush)%n",
                writes, flushes, writes / (double) Math.max(1, flushes));
        assertThat(writes).as("both sides write their frames").isGreaterThanOrEqualTo(2L * callers * calls);
        assertThat(flushes).isPositive().isLessThanOrEqualTo(writes);
    }

    @Test
    void aSlowHandlerDoesNotHoldUpOtherCalls() throws Exception {
        RpcEndpoint client = peers.connect("c", new byte[0], config(ep -> {}));
        CompletableFuture<byte[]> slow = client.callAsync("slow", bytes(1));
        for (int i = 0; i < 100; i++) {
            assertThat(ByteBuffer.wrap(client.call("fast", bytes(i), Duration.ofSeconds(5))).getLong()).isEqualTo(i);
        }
        assertThat(slow).isNotDone();
        slowMayFinish.countDown();
        assertThat(ByteBuffer.wrap(slow.get(5, TimeUnit.SECONDS)).getLong()).isEqualTo(1);
    }

    @Test
    void notificationsAreHandledInTheOrderSent() throws Exception {
        long seed = Seeds.seed("notificationsAreHandledInTheOrderSent");
        SplittableRandom random = new SplittableRandom(seed);
        RpcEndpoint client = peers.connect("c", new byte[0], config(ep -> {}));
        List<CompletableFuture<byte[]>> interleaved = new ArrayList<>();
        int count = 10_000;
        for (long i = 0; i < count; i++) {
            client.notify("seq", bytes(i));
            if (random.nextInt(10) == 0) {
                interleaved.add(client.callAsync("fast", bytes(i)));
            }
        }
        CompletableFuture.allOf(interleaved.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> notified.size() == count);
        for (int i = 0; i < count; i++) {
            assertThat(notified.get(i)).as("notification " + i).isEqualTo(i);
        }
    }

    @Test
    void notificationsFromManyThreadsKeepEachThreadsOrder() throws Exception {
        RpcEndpoint client = peers.connect("c", new byte[0], config(ep -> {}));
        int threads = 8;
        int each = 1_000;
        AtomicInteger done = new AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (long) t << 32;
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    client.notify("seq", bytes(base + i));
                }
                done.incrementAndGet();
            }));
        }
        for (Thread s : senders) {
            s.join(Duration.ofSeconds(20));
        }
        assertThat(done).hasValue(threads);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> notified.size() == threads * each);
        long[] next = new long[threads];
        for (long v : notified) {
            int t = (int) (v >>> 32);
            assertThat(v & 0xffffffffL).as("sender " + t).isEqualTo(next[t]++);
        }
    }

    private static byte[] bytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }
}
