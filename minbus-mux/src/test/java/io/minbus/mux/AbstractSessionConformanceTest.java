package io.minbus.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.transport.Transport;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session conformance suite: every transport runs the same tests, with a tiny receive window
 * (7 bytes) and a tiny chunk size (5 bytes) so that credit and partial payloads are exercised on
 * every message.
 */
@Timeout(60)
abstract class AbstractSessionConformanceTest {
    static final SessionConfig TINY = SessionConfig.builder().window(7).chunkSize(5).name("tiny").build();

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService pool = platformWaiters()
            ? Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())
            : Executors.newVirtualThreadPerTaskExecutor();

    /** Whether {@link #async} runs on platform threads (which read the transport while they wait) instead of virtual ones. */
    protected boolean platformWaiters() {
        return false;
    }

    /** The read strategy of every session the suite starts. */
    protected SessionConfig.ReadStrategy readStrategy() {
        return SessionConfig.ReadStrategy.WAITER_READS;
    }

    /** A fresh connected pair of transports. */
    protected abstract Transport[] connect() throws Exception;

    /** Releases what {@link #connect} set up besides the transports (child processes, listeners). */
    protected void release() throws Exception {}

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        pool.shutdownNow();
        release();
    }

    /** Two sessions over a fresh pair, started concurrently (each waits for the other's preamble). */
    Session[] sessions(SessionConfig ca, SessionConfig cb) throws Exception {
        Transport[] t = connect();
        CompletableFuture<Session> b = CompletableFuture.supplyAsync(
                () -> Session.start(t[1], cb.toBuilder().name(cb.name() + "-b").readStrategy(readStrategy()).build()), pool);
        Session a = Session.start(t[0], ca.toBuilder().name(ca.name() + "-a").readStrategy(readStrategy()).build());
        Session sb = b.get();
        toClose.add(a);
        toClose.add(sb);
        return new Session[] {a, sb};
    }

    Session[] sessions() throws Exception {
        return sessions(TINY, TINY);
    }

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    static ByteBuffer pattern(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    static long crc(ByteBuffer b) {
        CRC32 c = new CRC32();
        c.update(b.duplicate());
        return c.getValue();
    }

    <T> Future<T> async(java.util.concurrent.Callable<T> task) {
        return pool.submit(task);
    }

    // ------------------------------------------------------------------ tests

    /** A duplex between two sessions: the opener's end, then the acceptor's. */
    static Duplex[] duplexPair(Session[] s) {
        return new Duplex[] {s[0].openDuplex(text("d")), (Duplex) s[1].accept()};
    }

    /** Room for bursts: the default 1 MiB window and 64 KiB chunks. */
    static final SessionConfig ROOMY = SessionConfig.builder().name("roomy").build();

    /** Two roomy sessions and a duplex between them: ours, then the peer's end. */
    Duplex[] roomyDuplex() throws Exception {
        Session[] s = sessions(ROOMY, ROOMY);
        return new Duplex[] {s[0].openDuplex(text("d")), (Duplex) s[1].accept()};
    }

    /**
     * A written message may leave before the flush (any chunk the session receives wakes its writer,
     * which writes what is queued), and at the latest on it.
     */
    @Test
    void aWrittenMessageLeavesAtTheLatestOnFlush() throws Exception {
        Duplex[] d = roomyDuplex();
        Duplex a = d[0];
        Duplex b = d[1];
        a.write(text("held back"));
        a.flush();
        assertThat(text(b.receive())).isEqualTo("held back");
    }

    @Test
    void writesFlushThemselvesOnce32KiBWait() throws Exception {
        Duplex[] d = roomyDuplex();
        Duplex a = d[0];
        Duplex b = d[1];
        int n = WriteEnd.FLUSH_AT / 64 + 10; // the burst passes the threshold; its tail stays behind
        for (int i = 0; i < n; i++) {
            a.write(ByteBuffer.allocate(64).putInt(0, i));
        }
        for (int i = 0; i < WriteEnd.FLUSH_AT / 64; i++) {
            assertThat(b.receive().getInt(0)).isEqualTo(i); // arrives without a flush
        }
        a.flush();
        for (int i = WriteEnd.FLUSH_AT / 64; i < n; i++) {
            assertThat(b.receive().getInt(0)).isEqualTo(i);
        }
    }

    @Test
    void aReceiveThatMustWaitFlushesWhatWasWritten() throws Exception {
        Duplex[] d = roomyDuplex();
        Duplex a = d[0];
        Duplex b = d[1];
        Future<?> echo = async(() -> {
            b.send(b.receive());
            return null;
        });
        a.write(text("ping"));
        assertThat(text(a.receive())).as("the receive flushed the request it waits on").isEqualTo("ping");
        echo.get();
    }

    /**
     * Large messages are queued as views of the sender's buffer until encoded (WriteEnd.BORROW_AT):
     * whether send or write wrote them or left them queued, the bytes that arrive are those passed,
     * though the sender overwrites its buffer as soon as the call returns.
     */
    @Test
    void aSenderMayOverwriteItsBufferAsSoonAsSendOrWriteReturns() throws Exception {
        Duplex[] d = roomyDuplex();
        Duplex a = d[0];
        Duplex b = d[1];
        Random r = new Random(TestSeeds.seed("aSenderMayOverwriteItsBufferAsSoonAsSendOrWriteReturns"));
        byte[] buffer = new byte[100_000];
        for (int i = 0; i < 24; i++) {
            int size = WriteEnd.BORROW_AT + r.nextInt(buffer.length - WriteEnd.BORROW_AT + 1);
            r.nextBytes(buffer);
            byte[] expected = java.util.Arrays.copyOf(buffer, size);
            if (i % 2 == 0) {
                a.send(ByteBuffer.wrap(buffer, 0, size));
            } else {
                a.write(ByteBuffer.wrap(buffer, 0, size)); // below 32 KiB it stays queued until the flush
            }
            java.util.Arrays.fill(buffer, (byte) 0xee);
            a.flush();
            ByteBuffer got = b.receive();
            byte[] bytes = new byte[got.remaining()];
            got.get(bytes);
            assertThat(bytes).as("message %d, %d bytes", i, size).isEqualTo(expected);
        }
    }

    @Test
    void aSendFlushesEarlierWritesInOrder() throws Exception {
        Duplex[] d = roomyDuplex();
        Duplex a = d[0];
        Duplex b = d[1];
        a.write(text("1"));
        a.write(text("2"));
        a.send(text("3"));
        assertThat(List.of(text(b.receive()), text(b.receive()), text(b.receive()))).containsExactly("1", "2", "3");
    }

    /** One condition per half: each of 64 waiting threads gets exactly the messages of its own channel. */
    @Test
    void manyThreadsWaitingOnTheirOwnChannelsEachGetTheirOwnMessages() throws Exception {
        Session[] s = sessions(ROOMY, ROOMY);
        long seed = TestSeeds.seed("manyThreadsWaitingOnTheirOwnChannelsEachGetTheirOwnMessages");
        int channels = 64;
        List<Duplex> ours = new ArrayList<>();
        Duplex[] theirs = new Duplex[channels];
        for (int i = 0; i < channels; i++) {
            ours.add(s[0].openDuplex(text("c" + i)));
            Duplex d = (Duplex) s[1].accept();
            theirs[Integer.parseInt(text(d.opening()).substring(1))] = d;
        }
        List<Future<List<Integer>>> got = new ArrayList<>();
        for (Duplex d : ours) {
            got.add(async(() -> {
                List<Integer> values = new ArrayList<>();
                for (int k = 0; k < 20; k++) {
                    values.add(d.receive().getInt(0));
                }
                return values;
            }));
        }
        Random r = new Random(seed);
        int[] next = new int[channels];
        for (int sent = 0; sent < channels * 20; ) {
            int c = r.nextInt(channels);
            if (next[c] < 20) {
                theirs[c].send(ByteBuffer.allocate(4).putInt(0, 1000 * c + next[c]++));
                sent++;
            }
        }
        for (int c = 0; c < channels; c++) {
            List<Integer> expected = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                expected.add(1000 * c + k);
            }
            assertThat(got.get(c).get()).as("channel %d", c).isEqualTo(expected);
        }
    }

    @Test
    void closingAHalfAbortsASendWaitingForCredit() throws Exception {
        Session[] s = sessions();
        Duplex a = s[0].openDuplex(text("d"));
        Duplex b = (Duplex) s[1].accept();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                a.send(text("1234567")); // fills b's 7-byte window: b does not read
                a.send(ByteBuffer.allocate(1000)); // waits for credit that never comes
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "blocked-sender");
        sender.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> sender.getState() == Thread.State.WAITING
                || sender.getState() == Thread.State.TERMINATED);
        assertThat(failure.get()).as("the sender must be waiting, not failed").isNull();
        a.close(text("stop"));
        sender.join(10_000);
        assertThat(sender.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(BrokenException.class).hasMessageContaining("aborted");
        assertThat(text(b.receive())).isEqualTo("1234567");
        assertThatThrownBy(b::receive).isInstanceOfSatisfying(EndedException.class,
                e -> assertThat(text(e.reason())).isEqualTo("stop")); // the cut-short message never arrives
    }

    @Test
    void topLevelMessagesArriveInOrderBothWays() throws Exception {
        Session[] s = sessions();
        long seed = TestSeeds.seed("topLevelMessagesArriveInOrderBothWays");
        Random r = new Random(seed);
        List<ByteBuffer> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(pattern(r.nextInt(40), seed + i));
        }
        Future<?> ab = async(() -> {
            for (ByteBuffer m : sent) {
                s[0].send(m.duplicate());
            }
            return null;
        });
        Future<?> ba = async(() -> {
            for (ByteBuffer m : sent) {
                s[1].send(m.duplicate());
            }
            return null;
        });
        for (ByteBuffer m : sent) {
            assertThat(s[1].receive()).isEqualTo(m);
            assertThat(s[0].receive()).isEqualTo(m);
        }
        ab.get();
        ba.get();
        s[0].checkInvariants();
        s[1].checkInvariants();
    }

    @Test
    void requestsAreAnsweredAndRefused() throws Exception {
        Session[] s = sessions();
        Future<?> server = async(() -> {
            for (int i = 0; i < 50; i++) {
                IncomingRequest req = (IncomingRequest) s[1].accept();
                String q = text(req.opening());
                if (q.endsWith("7")) {
                    req.close(text("no sevens"));
                } else {
                    req.respond(text("answer to " + q));
                }
            }
            return null;
        });
        List<PendingResponse> pending = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pending.add(s[0].request(text("question " + i)));
        }
        for (int i = 0; i < 50; i++) {
            if (i % 10 == 7) {
                int k = i;
                assertThatThrownBy(() -> pending.get(k).await())
                        .isInstanceOfSatisfying(EndedException.class, e -> assertThat(text(e.reason())).isEqualTo("no sevens"));
            } else {
                assertThat(text(pending.get(i).await())).isEqualTo("answer to question " + i);
            }
        }
        server.get();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entities(s[0])).isZero());
    }

    @Test
    void cancelRacingAResponseLeavesBothSidesClean() throws Exception {
        Session[] s = sessions();
        int n = 100;
        Future<?> server = async(() -> {
            for (int i = 0; i < n; i++) {
                IncomingRequest req = (IncomingRequest) s[1].accept();
                try {
                    req.respond(text("r" + i));
                } catch (EndedException cancelled) {
                    assertThat(text(cancelled.reason())).isEqualTo("never mind");
                }
            }
            return null;
        });
        for (int i = 0; i < n; i++) {
            PendingResponse p = s[0].request(text("q" + i));
            if (i % 2 == 0) {
                Thread.onSpinWait();
            }
            p.cancel(text("never mind"));
        }
        server.get();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(entities(s[0])).isZero();
            assertThat(peerEntities(s[1])).isZero();
        });
        assertThat(s[0].isOpen()).isTrue();
        assertThat(s[1].isOpen()).isTrue();
    }

    @Test
    void openCloseAndCancelRaceBothWays() throws Exception {
        Session[] s = sessions();
        int n = 100;
        Future<?> bSide = async(() -> {
            for (int i = 0; i < n; i++) {
                Duplex d = (Duplex) s[1].accept();
                if (i % 3 == 0) {
                    d.cancel(text("c"));
                    d.close(text("x"));
                } else {
                    d.close(text("x"));
                    d.cancel(text("c"));
                }
            }
            return null;
        });
        for (int i = 0; i < n; i++) {
            Duplex d = s[0].openDuplex(text("d" + i));
            if (i % 2 == 0) {
                d.close(text("y"));
                d.cancel(text("z"));
            } else {
                d.cancel(text("z"));
                try {
                    d.send(text("maybe"));
                } catch (EndedException expected) {
                    // the peer's cancel came first
                }
                d.close(text("y"));
            }
        }
        bSide.get();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(entities(s[0])).isZero();
            assertThat(peerEntities(s[1])).isZero();
        });
        assertThat(s[0].isOpen()).isTrue();
        assertThat(s[1].isOpen()).isTrue();
    }

    @Test
    void oneByteOfCreditMakesProgress() throws Exception {
        SessionConfig one = SessionConfig.builder().window(1).chunkSize(1).name("one").build();
        Session[] s = sessions(one, one);
        ByteBuffer m = pattern(300, 1);
        Future<?> f = async(() -> {
            s[0].send(m.duplicate());
            return null;
        });
        assertThat(s[1].receive()).isEqualTo(m);
        f.get();
    }

    @Test
    void partialPayloadsOfAwkwardSizes() throws Exception {
        Session[] s = sessions();
        int[] sizes = {0, 1, 2, 5, 6, 7, 8, 13, 255, 1023, 1024, 1025, 4099, 65537};
        Duplex d = s[0].openDuplex(text("sizes"));
        Duplex e = (Duplex) s[1].accept();
        Future<?> f = async(() -> {
            for (int size : sizes) {
                d.send(pattern(size, size));
            }
            return null;
        });
        for (int size : sizes) {
            ByteBuffer got = e.receive();
            assertThat(got.remaining()).isEqualTo(size);
            assertThat(crc(got)).isEqualTo(crc(pattern(size, size)));
        }
        f.get();
    }

    @Test
    @Timeout(120)
    void a64MiBMessageArrivesIntact() throws Exception {
        SessionConfig big = SessionConfig.builder().window(1 << 20).name("big").build();
        Session[] s = sessions(big, big);
        ByteBuffer m = pattern(64 << 20, 64);
        long sum = crc(m);
        Future<?> f = async(() -> {
            s[0].send(m.duplicate());
            return null;
        });
        ByteBuffer got = s[1].receive();
        f.get();
        assertThat(got.remaining()).isEqualTo(64 << 20);
        assertThat(crc(got)).isEqualTo(sum);
    }

    @Test
    void pingsAreAnswered() throws Exception {
        Session[] s = sessions();
        assertThat(s[0].ping(Duration.ofSeconds(10))).isTrue();
        Duplex d = s[0].openDuplex(text("p"));
        Duplex e = (Duplex) s[1].accept();
        assertThat(d.ping(Duration.ofSeconds(10))).isTrue();
        assertThat(e.ping(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aSilentPeerBreaksTheConnectionAfterTheHeartbeatTimeout() throws Exception {
        Transport[] t = connect();
        Transport raw = t[1];
        toClose.add(raw::close);
        raw.write(Preamble.ours(Limits.defaults()).encode());
        Future<?> sink = async(() -> { // reads and ignores everything: never answers a ping
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (raw.read(buf.clear()) >= 0) {
                // discard
            }
            return null;
        });
        SessionConfig hb = TINY.toBuilder().heartbeatInterval(Duration.ofMillis(100))
                .heartbeatTimeout(Duration.ofMillis(300)).name("hb").build();
        Session a = Session.start(t[0], hb);
        toClose.add(a);
        Duplex d = a.openDuplex(text("d"));
        assertThat(d.ping(Duration.ofMillis(200))).isFalse();
        assertThatThrownBy(() -> d.send(text("x"))).isInstanceOf(BrokenException.class).hasMessageContaining("ping");
        assertThatThrownBy(() -> d.receive()).isInstanceOf(BrokenException.class).hasMessageContaining("ping");
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.isOpen());
        assertThatThrownBy(a::receive).isInstanceOf(BrokenException.class).hasMessageContaining("heartbeat");
        sink.get();
    }

    @Test
    void aPeerThatStopsReadingBreaksTheConnectionAfterTheHeartbeatTimeoutWhileTheWriterIsBlocked() throws Exception {
        // like a SIGSTOPped bus: the connection stays open, nothing is read, so the writer thread
        // blocks in a write (with the ping queued behind the data); the heartbeat must still fire
        Transport[] t = connect();
        Transport raw = t[1];
        toClose.add(raw::close);
        raw.write(Preamble.ours(Limits.defaults()).encode());
        SessionConfig hb = SessionConfig.builder().heartbeatInterval(Duration.ofMillis(100))
                .heartbeatTimeout(Duration.ofMillis(300)).writeStrategy(SessionConfig.WriteStrategy.WRITER_THREAD)
                .readStrategy(readStrategy()).name("hb-stuck").build();
        Session a = Session.start(t[0], hb);
        toClose.add(a);
        Future<?> opener = async(() -> { // opening payloads need no credit: they pile up in the transport
            try {
                // 32 MiB, more than any socket's buffers (TCP's grow to a few MiB), and far from max_entities
                for (int i = 0; i < 2048; i++) {
                    a.openDuplex(ByteBuffer.allocate(16 * 1024));
                }
            } catch (BrokenException e) {
                // the session broke while this thread was still queuing
            }
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.isOpen());
        assertThatThrownBy(a::receive).isInstanceOf(BrokenException.class).hasMessageContaining("heartbeat");
        opener.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    @Timeout(120)
    void tenThousandConcurrentEntities() throws Exception {
        SessionConfig many = TINY.toBuilder().limits(Limits.defaults().withMaxEntities(20_000)).name("many").build();
        Session[] s = sessions(many, many);
        int n = 10_000;
        Future<?> bSide = async(() -> {
            List<Duplex> ds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ds.add((Duplex) s[1].accept());
            }
            for (Duplex d : ds) {
                d.send(d.opening());
            }
            for (Duplex d : ds) {
                assertThatThrownBy(d::receive).isInstanceOf(EndedException.class);
                d.close(text("bye"));
            }
            return null;
        });
        List<Duplex> mine = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            mine.add(s[0].openDuplex(text(Integer.toString(i))));
        }
        for (int i = 0; i < n; i++) {
            assertThat(text(mine.get(i).receive())).isEqualTo(Integer.toString(i));
            mine.get(i).close(ByteBuffer.allocate(0));
        }
        for (Duplex d : mine) {
            assertThatThrownBy(d::receive).isInstanceOfSatisfying(EndedException.class,
                    e -> assertThat(text(e.reason())).isEqualTo("bye"));
        }
        bSide.get();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(entities(s[0])).isZero());
    }

    @Test
    void closeAndCancelPayloadsReachThePeer() throws Exception {
        Session[] s = sessions();
        Sink sink = s[0].openSink(text("log"));
        Stream stream = (Stream) s[1].accept();
        assertThat(text(stream.opening())).isEqualTo("log");
        sink.send(text("one"));
        sink.close(text("bye"));
        assertThat(text(stream.receive())).isEqualTo("one");
        assertThatThrownBy(stream::receive).isInstanceOfSatisfying(EndedException.class, e -> {
            assertThat(text(e.reason())).isEqualTo("bye");
            assertThat(e.cancelled()).isFalse();
        });

        Stream wanted = s[0].openStream(text("feed"));
        Sink feeder = (Sink) s[1].accept();
        wanted.cancel(text("stop"));
        await().atMost(Duration.ofSeconds(10)).until(() -> feeder.cancelReason().isPresent());
        assertThat(text(feeder.cancelReason().orElseThrow())).isEqualTo("stop");
        assertThatThrownBy(() -> feeder.send(text("more"))).isInstanceOfSatisfying(EndedException.class,
                e -> assertThat(e.cancelled()).isTrue());
    }

    @Test
    void duplexAsByteStreams() throws Exception {
        Session[] s = sessions();
        Duplex d = s[0].openDuplex(text("bytes"));
        Duplex e = (Duplex) s[1].accept();
        byte[] data = pattern(100_000, 9).array();
        Future<?> f = async(() -> {
            try (OutputStream out = d.outputStream()) {
                for (int i = 0; i < data.length; i += 999) {
                    out.write(data, i, Math.min(999, data.length - i));
                }
            }
            return null;
        });
        InputStream in = e.inputStream();
        byte[] got = in.readAllBytes();
        f.get();
        assertThat(got).isEqualTo(data);
    }

    @Test
    void deliverToHandsEveryWholeMessageToTheReceiverInOrderAndCreditKeepsFlowing() throws Exception {
        long seed = TestSeeds.seed("deliverTo");
        Random random = new Random(seed);
        Duplex[] d = duplexPair(sessions());
        java.util.concurrent.LinkedBlockingQueue<ByteBuffer> taken = new java.util.concurrent.LinkedBlockingQueue<>();
        assertThat(d[1].deliverTo(taken::add)).isTrue();
        List<ByteBuffer> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(pattern(random.nextInt(40), seed + i)); // most far over the 7-byte window, so credit must come back
        }
        // one message at a time, so that each is the last of its read (a burst would wait for receive())
        for (ByteBuffer m : sent) {
            d[0].send(m.duplicate());
            assertThat(taken.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(m);
        }
        d[0].close(text("done"));
        // the taker took every message; receive() still reports the end
        assertThatThrownBy(d[1]::receive).isInstanceOfSatisfying(EndedException.class,
                e -> assertThat(text(e.reason())).isEqualTo("done"));
    }

    @Test
    void aMessageTheReceiverDeclinesAndEveryLaterOneWaitForReceiveUntilArmedAgain() throws Exception {
        Duplex[] d = duplexPair(sessions());
        List<String> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(d[1].deliverTo(m -> !text(m).startsWith("x") && taken.add(text(m)))).isTrue();
        d[0].send(text("a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> taken.contains("a"));
        d[0].send(text("x1"));
        d[0].send(text("b"));
        assertThat(text(d[1].receive())).isEqualTo("x1");
        assertThat(text(d[1].receive())).isEqualTo("b"); // disarmed by the decline, so "b" was queued
        assertThat(taken).containsExactly("a");
        assertThat(d[1].deliverTo(m -> taken.add(text(m)))).isTrue();
        d[0].send(text("c"));
        await().atMost(Duration.ofSeconds(10)).until(() -> taken.contains("c"));
        assertThat(d[1].receive(Duration.ofMillis(1))).isEmpty();
    }

    @Test
    void deliverToArmsNothingWhileMessagesWaitOrAfterTheHalfEnded() throws Exception {
        Duplex[] d = duplexPair(sessions());
        java.util.concurrent.CountDownLatch declined = new java.util.concurrent.CountDownLatch(1);
        assertThat(d[1].deliverTo(m -> {
            declined.countDown();
            return false;
        })).isTrue();
        d[0].send(text("waits"));
        assertThat(declined.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(d[1].deliverTo(m -> true)).as("a message waits for receive()").isFalse();
        assertThat(text(d[1].receive())).isEqualTo("waits");
        assertThat(d[1].deliverTo(m -> true)).isTrue();
        d[0].close(text("end"));
        assertThatThrownBy(d[1]::receive).isInstanceOf(EndedException.class);
        assertThat(d[1].deliverTo(m -> true)).as("the half we read ended").isFalse();
    }

    @Test
    void aReceiverThatThrowsLeavesTheMessageForReceiveAndTheSessionRunsOn() throws Exception {
        Duplex[] d = duplexPair(sessions());
        assertThat(d[1].deliverTo(m -> {
            throw new IllegalStateException("receiver bug");
        })).isTrue();
        d[0].send(text("kept"));
        assertThat(text(d[1].receive())).isEqualTo("kept");
        d[1].send(text("still works"));
        assertThat(text(d[0].receive())).isEqualTo("still works");
    }

    @Test
    void aThreadBlockedInReceiveWhileTheReceiverTakesEverythingSeesTheEnd() throws Exception {
        Duplex[] d = duplexPair(sessions());
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        assertThat(d[1].deliverTo(m -> count.incrementAndGet() > 0)).isTrue();
        Future<ByteBuffer> blocked = async(d[1]::receive);
        for (int i = 0; i < 20; i++) {
            d[0].send(text("m" + i));
            int sent = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> count.get() == sent);
        }
        d[0].close(text("bye"));
        assertThatThrownBy(blocked::get).hasCauseInstanceOf(EndedException.class);
        assertThat(count).hasValue(20);
    }

    @Test
    void aBurstThatArrivesInOneReadWaitsForReceiveInOrder() throws Exception {
        Duplex[] d = duplexPair(sessions());
        List<String> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(d[1].deliverTo(m -> taken.add(text(m)))).isTrue();
        for (String m : List.of("b1", "b2", "b3")) {
            d[0].write(text(m)); // queued without a flush: the three leave in one write
        }
        d[0].flush();
        // only a message with nothing of the connection at hand behind it is offered; b1 had b2 behind
        // it, so it and every later one wait for receive() (one wake-up for the burst)
        assertThat(text(d[1].receive())).isEqualTo("b1");
        assertThat(text(d[1].receive())).isEqualTo("b2");
        assertThat(text(d[1].receive())).isEqualTo("b3");
        assertThat(taken).isEmpty();
        assertThat(d[1].deliverTo(m -> taken.add(text(m)))).isTrue();
        d[0].send(text("lone"));
        await().atMost(Duration.ofSeconds(10)).until(() -> taken.contains("lone"));
    }

    @Test
    void closingTheSessionWakesWaitersAndThePeerSeesTheLoss() throws Exception {
        Session[] s = sessions();
        Future<ByteBuffer> blocked = async(s[0]::receive);
        Future<Incoming> peerBlocked = async(s[1]::accept);
        s[0].close(); // whether or not the waiters are blocked yet, they must fail the same way
        assertThatThrownBy(blocked::get).hasCauseInstanceOf(BrokenException.class).hasMessageContaining("session closed");
        assertThatThrownBy(peerBlocked::get).hasCauseInstanceOf(BrokenException.class).hasMessageContaining("connection lost");
    }

    static long entities(Session s) {
        return s.engineCount(true);
    }

    static long peerEntities(Session s) {
        return s.engineCount(false);
    }
}
