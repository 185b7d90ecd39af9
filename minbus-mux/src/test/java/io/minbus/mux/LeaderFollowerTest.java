package io.minbus.mux;

import static io.minbus.mux.AbstractSessionConformanceTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader/follower reads over a real Unix socket ({@link SessionConfig.ReadStrategy#WAITER_READS}):
 * which thread reads the socket, and that a thread reading it can time out, be interrupted, see the
 * session end, and leave the reading to the reader thread when it goes.
 */
@Timeout(60)
class LeaderFollowerTest {
    @TempDir
    Path dir;

    private TransportListener listener;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService platform = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("waiter-", 0).daemon().factory());
    private final ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        platform.shutdownNow();
        virtual.shutdownNow();
        if (listener != null) {
            listener.close();
        }
    }

    private Session[] sessions(SessionConfig.ReadStrategy strategy) throws Exception {
        if (listener == null) {
            listener = SocketPairs.listen(new BusAddress.Unix(dir.resolve("bus.sock")));
        }
        Transport[] t = SocketPairs.connect(listener);
        SessionConfig config = SessionConfig.builder().readStrategy(strategy).build();
        CompletableFuture<Session> b = CompletableFuture.supplyAsync(
                () -> Session.start(t[1], config.toBuilder().name("b").build()), virtual);
        Session a = Session.start(t[0], config.toBuilder().name("a").build());
        Session sb = b.get();
        toClose.add(a);
        toClose.add(sb);
        return new Session[] {a, sb};
    }

    private Session[] sessions() throws Exception {
        return sessions(SessionConfig.ReadStrategy.WAITER_READS);
    }

    /** Arms {@code d} to record the thread that takes its next message. */
    private static CountDownLatch recordTaker(Duplex d, AtomicReference<String> taker) {
        CountDownLatch taken = new CountDownLatch(1);
        assertThat(d.deliverTo(m -> {
            taker.set(Thread.currentThread().getName());
            taken.countDown();
            return true;
        })).isTrue();
        return taken;
    }

    /** Opens a duplex from s[0] to s[1] and has a platform thread wait in its receive on s[1] until it holds the read role. */
    private Future<ByteBuffer> platformThreadReadingFor(Session[] s) {
        s[0].openDuplex(text("d"));
        Duplex dB = (Duplex) s[1].accept();
        Future<ByteBuffer> waiting = platform.submit(() -> dB.receive());
        await().atMost(Duration.ofSeconds(10)).until(() -> s[1].readRoleHolder().startsWith("waiter-"));
        return waiting;
    }

    /** Who decoded a message for another duplex, and what the thread waiting on its own duplex got. */
    private record Exchange(String decodedOthersMessage, String waiterThread, String waiterGot) {
    }

    /**
     * Opens two duplexes to s[1]; a thread of {@code threads} waits in the receive of the second
     * ("mine"); once {@code whileWaiting} ran, a message comes for the first, then one for "mine".
     */
    private Exchange exchange(Session[] s, ExecutorService threads, Runnable whileWaiting) throws Exception {
        Duplex other = s[0].openDuplex(text("other"));
        Duplex otherB = (Duplex) s[1].accept();
        Duplex mine = s[0].openDuplex(text("mine"));
        Duplex mineB = (Duplex) s[1].accept();
        AtomicReference<String> taker = new AtomicReference<>();
        CountDownLatch taken = recordTaker(otherB, taker);

        Future<String[]> waiter = threads.submit(() -> {
            ByteBuffer m = mineB.receive();
            return new String[] {Thread.currentThread().getName(), text(m)};
        });
        whileWaiting.run();
        other.send(text("for the other duplex"));
        assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
        mine.send(text("for me"));
        String[] got = waiter.get(10, TimeUnit.SECONDS);
        return new Exchange(taker.get(), got[0], got[1]);
    }

    @Test
    void aPlatformThreadWaitingInReceiveReadsTheSocketItself() throws Exception {
        Session[] s = sessions();
        AtomicReference<String> reading = new AtomicReference<>();
        Exchange e = exchange(s, platform, () -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> s[1].readRoleHolder().startsWith("waiter-"));
            reading.set(s[1].readRoleHolder());
        });

        assertThat(e.decodedOthersMessage()).as("the thread that decoded the other duplex's message").isEqualTo(reading.get());
        assertThat(e.waiterThread() + ":" + e.waiterGot()).isEqualTo(reading.get() + ":for me");
    }

    @Test
    void aVirtualThreadWaitingInReceiveLeavesTheReadingToTheReaderThread() throws Exception {
        Exchange e = exchange(sessions(), virtual, () -> { });

        assertThat(e.decodedOthersMessage()).isEqualTo("minbus-read-b");
        assertThat(e.waiterGot()).isEqualTo("for me");
    }

    @Test
    void withTheReaderThreadStrategyOnlyTheReaderThreadReads() throws Exception {
        Session[] s = sessions(SessionConfig.ReadStrategy.READER_THREAD);
        Exchange e = exchange(s, platform, () -> { });

        assertThat(e.decodedOthersMessage()).isEqualTo("minbus-read-b");
        assertThat(e.waiterGot()).isEqualTo("for me");
        assertThat(s[1].readRoleHolder()).isEmpty();
    }

    @Test
    void theReaderThreadWaitsWithoutLookingWhileAPlatformThreadWaitsForAQuietPeerAndReadsAgainAfterIt() throws Exception {
        Session[] s = sessions();
        Duplex d = s[0].openDuplex(text("d"));
        Duplex dB = (Duplex) s[1].accept();
        Future<ByteBuffer> waiting = platform.submit(() -> dB.receive());

        // the peer is quiet: after a grace the reader thread stops looking every grace
        await().atMost(Duration.ofSeconds(10)).until(() -> s[1].readerParked());
        assertThat(s[1].readRoleHolder()).startsWith("waiter-");

        d.send(text("at last"));
        assertThat(text(waiting.get(10, TimeUnit.SECONDS))).isEqualTo("at last");
        // letting go of the role woke it: it takes the role back after the grace and reads on
        await().atMost(Duration.ofSeconds(10)).until(() -> s[1].readRoleHolder().equals("minbus-read-b"));
        assertThat(s[1].readerParked()).isFalse();
        Future<String> onVirtual = virtual.submit(() -> text(dB.receive()));
        d.send(text("later"));
        assertThat(onVirtual.get(10, TimeUnit.SECONDS)).isEqualTo("later");
    }

    @Test
    void aReadingThreadsReceiveTimesOutAndTheReaderThreadReadsOn() throws Exception {
        Session[] s = sessions();
        Duplex d = s[0].openDuplex(text("d"));
        Duplex dB = (Duplex) s[1].accept();

        Future<Optional<ByteBuffer>> timedOut = platform.submit(() -> dB.receive(Duration.ofMillis(100)));
        assertThat(timedOut.get(10, TimeUnit.SECONDS)).isEmpty();

        // nobody waits now: the reader thread takes the role back and queues what comes
        await().atMost(Duration.ofSeconds(10)).until(() -> s[1].readRoleHolder().equals("minbus-read-b"));
        Future<String> onVirtual = virtual.submit(() -> text(dB.receive()));
        d.send(text("later"));
        assertThat(onVirtual.get(10, TimeUnit.SECONDS)).isEqualTo("later");
    }

    @Test
    void anInterruptedReadingThreadGetsABrokenExceptionAndTheSessionStaysUsable() throws Exception {
        Session[] s = sessions();
        Duplex d = s[0].openDuplex(text("d"));
        Duplex dB = (Duplex) s[1].accept();
        AtomicReference<Thread> thread = new AtomicReference<>();
        Future<?> waiting = platform.submit(() -> {
            thread.set(Thread.currentThread());
            return dB.receive();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> s[1].readRoleHolder().startsWith("waiter-"));
        thread.get().interrupt();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(BrokenException.class)
                .hasMessageContaining("interrupted while waiting for a message");
        assertThat(s[1].isOpen()).as("an interrupt does not close a polled socket").isTrue();
        d.send(text("still here"));
        assertThat(text(platform.submit(() -> dB.receive()).get(10, TimeUnit.SECONDS))).isEqualTo("still here");
    }

    @Test
    void closingTheSessionWakesTheReadingThread() throws Exception {
        Session[] s = sessions();
        Future<ByteBuffer> waiting = platformThreadReadingFor(s);

        s[1].close();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(BrokenException.class)
                .hasMessageContaining("session closed");
    }

    @Test
    void thePeerGoingAwayFailsTheReadingThread() throws Exception {
        Session[] s = sessions();
        Future<ByteBuffer> waiting = platformThreadReadingFor(s);

        s[0].close();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(BrokenException.class)
                .hasMessageContaining("ended");
    }

    @Test
    void aPingPongBetweenPlatformThreadsDeliversEveryMessageInOrder() throws Exception {
        long seed = TestSeeds.seed("LeaderFollowerTest.aPingPongBetweenPlatformThreadsDeliversEveryMessageInOrder");
        java.util.Random random = new java.util.Random(seed);
        Session[] s = sessions();
        Duplex d = s[0].openDuplex(text("d"));
        Duplex dB = (Duplex) s[1].accept();
        Future<Integer> echo = platform.submit(() -> {
            int n = 0;
            while (true) {
                ByteBuffer m = dB.receive();
                if (!m.hasRemaining()) {
                    return n;
                }
                dB.send(m);
                n++;
            }
        });
        for (int i = 0; i < 500; i++) {
            byte[] body = new byte[1 + random.nextInt(200)];
            random.nextBytes(body);
            d.send(ByteBuffer.wrap(body.clone()));
            assertThat(d.receive()).isEqualTo(ByteBuffer.wrap(body));
        }
        d.send(ByteBuffer.allocate(0));
        assertThat(echo.get(10, TimeUnit.SECONDS)).isEqualTo(500);
    }
}
