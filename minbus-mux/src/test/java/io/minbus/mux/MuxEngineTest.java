package io.minbus.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.wire.ChunkReader;
import io.minbus.wire.Limits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine's output rules: fairness, coalescing, local limits, partial payloads. */
@Timeout(10)
class MuxEngineTest {
    private final MuxEngine engine = new MuxEngine(Limits.defaults(), new Limits(1024, 8192, 3), 64 * 1024,
            new MuxListener() {}, "t");

    /** Decodes everything the engine has to send, as frame-log strings. */
    static List<String> sent(MuxEngine e) {
        List<String> chunks = new ArrayList<>();
        ChunkReader reader = new ChunkReader(1 << 20);
        while (e.hasOutput()) {
            reader.feed(e.output(), c -> chunks.add(c.toString()));
        }
        return chunks;
    }

    /** Everything the engine has to send, consumed (as a socket write would). */
    static ByteBuffer take(MuxEngine e) {
        ByteBuffer out = e.output();
        ByteBuffer copy = ByteBuffer.allocate(out.remaining()).put(out).flip();
        return copy;
    }

    static ByteBuffer hex(String h) {
        return ByteBuffer.wrap(SpecSessionVectors.hex(h));
    }

    @Test
    void controlGoesFirstAndDataIsServedRoundRobin() {
        MuxEngine big = new MuxEngine(Limits.defaults(), Limits.defaults(), 1000, new MuxListener() {}, "");
        Entity d = big.openDuplex(ByteBuffer.allocate(0), 0);
        big.receive(hex("88 00 fa 10 00 00 a8 01 fa 10 00 00")); // 1 MiB credit on the top level and on duplex#1
        big.send(d.writeHalf().orElseThrow(), ByteBuffer.allocate(5000));
        for (int i = 0; i < 3; i++) {
            big.send(big.top().writeHalf().orElseThrow(), ByteBuffer.allocate(10));
        }
        big.ping(big.top().readHalf().orElseThrow());
        assertThat(sent(big)).containsExactly(
                "duplex#1 payload(0)", "out-stream#0 ping",
                "partial(5000)", "out-sink#1 payload(1000)", "out-sink#0 payload(10)",
                "out-sink#1 payload(1000)", "out-sink#0 payload(10)",
                "out-sink#1 payload(1000)", "out-sink#0 payload(10)",
                "out-sink#1 payload(1000)", "out-sink#1 payload(1000)");
    }

    @Test
    void smallChunksQueuedAtOneMomentLeaveInOneBuffer() {
        engine.receive(hex("88 00 fa 01 00 00"));
        for (int i = 0; i < 100; i++) {
            engine.send(engine.top().writeHalf().orElseThrow(), ByteBuffer.allocate(20));
        }
        ByteBuffer out = engine.output();
        assertThat(out.remaining()).isEqualTo(100 * 23);
        out.position(out.limit()); // written
        assertThat(engine.hasOutput()).isFalse();
    }

    @Test
    void anEagerEngineEncodesAWholeMessageAtOnceBehindTheBytesNotYetWritten() {
        MuxEngine eager = new MuxEngine(Limits.defaults(), Limits.defaults(), 1000, new MuxListener() {}, "")
                .encodeEagerly(true);
        eager.receive(hex("88 00 fa 01 00 00")); // 64 KiB of credit on the top level
        Half top = eager.top().writeHalf().orElseThrow();
        eager.send(top, ByteBuffer.allocate(10));
        assertThat(eager.hasQueuedChunks()).as("encoded, not queued").isFalse();
        ByteBuffer out = eager.output();
        assertThat(out.remaining()).isEqualTo(13);
        ByteBuffer written = ByteBuffer.allocate(5).put(out.slice(out.position(), 5)).flip();
        out.position(out.position() + 5); // a partial write: 8 bytes wait
        eager.send(top, ByteBuffer.wrap(new byte[] {7, 7}));
        assertThat(eager.queuedBytes(top)).isZero();
        assertThat(eager.credit(top)).isEqualTo(64 * 1024 - 12);
        ByteBuffer rest = eager.output();
        assertThat(rest.remaining()).isEqualTo(8 + 5);
        List<String> chunks = new ArrayList<>();
        ChunkReader decoder = new ChunkReader(1 << 20);
        decoder.feed(written, c -> chunks.add(c.toString()));
        decoder.feed(rest, c -> chunks.add(c.toString()));
        assertThat(chunks).containsExactly("out-sink#0 payload(10)", "out-sink#0 payload(2)");
        eager.checkInvariants();
    }

    @Test
    void anEagerSendThatNeedsALargerBufferMovesTheUnwrittenBytesWithIt() {
        MuxEngine eager = new MuxEngine(Limits.defaults(), Limits.defaults(), 16 * 1024, new MuxListener() {}, "")
                .encodeEagerly(true);
        eager.receive(hex("88 00 fa 01 00 00"));
        Half top = eager.top().writeHalf().orElseThrow();
        eager.send(top, ByteBuffer.allocate(10));
        ByteBuffer first = eager.output();
        int capacity = first.capacity();
        ByteBuffer written = ByteBuffer.allocate(5).put(first.slice(first.position(), 5)).flip();
        first.position(first.position() + 5); // a partial write: 8 bytes wait
        eager.send(top, ByteBuffer.allocate(capacity)); // cannot fit behind them: a larger buffer
        ByteBuffer rest = eager.output();
        assertThat(rest).as("moved").isNotSameAs(first);
        assertThat(rest.remaining()).isEqualTo(8 + 2 + io.minbus.wire.VarU64.size(capacity) + capacity);
        List<String> chunks = new ArrayList<>();
        ChunkReader decoder = new ChunkReader(1 << 20);
        decoder.feed(written, c -> chunks.add(c.toString()));
        decoder.feed(rest, c -> chunks.add(c.toString()));
        assertThat(chunks).containsExactly("out-sink#0 payload(10)", "out-sink#0 payload(" + capacity + ")");
        eager.checkInvariants();
    }

    @Test
    void anEagerEngineQueuesWhatCouldOvertakeSomethingQueuedOrLacksCredit() {
        MuxEngine eager = new MuxEngine(Limits.defaults(), Limits.defaults(), 1000, new MuxListener() {}, "")
                .encodeEagerly(true);
        Half top = eager.top().writeHalf().orElseThrow();
        eager.send(top, ByteBuffer.allocate(3)); // no credit yet: queued
        assertThat(eager.queuedBytes(top)).isEqualTo(3);
        eager.receive(hex("88 00 fa 01 00 00"));
        eager.send(top, ByteBuffer.allocate(4)); // the 3 bytes wait: queued behind them
        assertThat(eager.queuedBytes(top)).isEqualTo(7);
        eager.ping(eager.top().readHalf().orElseThrow()); // a control chunk waits: no overtaking either
        Entity d = eager.openDuplex(ByteBuffer.allocate(0), 0);
        eager.receive(hex("a8 01 10")); // 16 bytes of credit on duplex#1
        eager.send(d.writeHalf().orElseThrow(), ByteBuffer.allocate(2000)); // larger than a chunk
        assertThat(eager.queuedBytes(d.writeHalf().orElseThrow())).isEqualTo(2000);
        assertThat(sent(eager)).containsExactly("out-stream#0 ping", "duplex#1 payload(0)",
                "out-sink#0 payload(3)", "partial(2000)", "out-sink#1 payload(16)", "out-sink#0 payload(4)");
    }

    @Test
    void anEagerEngineEncodesTheFragmentsOfAMessageAsTheyAreAppendedInsteadOfCopyingThem() {
        MuxEngine eager = new MuxEngine(Limits.defaults(), Limits.defaults(), 16 * 1024, new MuxListener() {}, "")
                .encodeEagerly(true);
        eager.receive(hex("88 00 fa 10 00 00")); // 1 MiB of credit
        Half top = eager.top().writeHalf().orElseThrow();
        ByteBuffer message = pattern(40_000);
        eager.startMessage(top, 40_000);
        eager.appendMessage(top, message.slice(0, 10_000));
        assertThat(eager.queuedBytes(top)).as("encoded at once").isZero();
        eager.appendMessage(top, message.slice(10_000, 30_000)); // no other half waits: several chunks at once
        assertThat(eager.queuedBytes(top)).isZero();
        assertThat(eager.hasQueuedChunks()).isFalse();
        List<String> chunks = new ArrayList<>();
        ByteBuffer got = ByteBuffer.allocate(40_000);
        ChunkReader decoder = new ChunkReader(1 << 20);
        decoder.feed(take(eager), c -> {
            chunks.add(c.toString());
            got.put(c.payload());
        });
        assertThat(chunks).containsExactly("partial(40000)", "out-sink#0 payload(10000)",
                "out-sink#0 payload(16384)", "out-sink#0 payload(13616)");
        assertThat(got.flip()).isEqualTo(message);
        eager.send(top, ByteBuffer.allocate(3)); // the message is complete: the next one goes out whole
        assertThat(sent(eager)).containsExactly("out-sink#0 payload(3)");
        eager.checkInvariants();
    }

    @Test
    void anEagerFragmentStopsAtTheCreditAndTheRestQueuesBehindIt() {
        MuxEngine eager = new MuxEngine(Limits.defaults(), Limits.defaults(), 16 * 1024, new MuxListener() {}, "")
                .encodeEagerly(true);
        eager.receive(hex("88 00 f9 13 88")); // 5,000 bytes of credit
        Half top = eager.top().writeHalf().orElseThrow();
        long credit = eager.credit(top);
        assertThat(credit).isEqualTo(5000);
        eager.startMessage(top, credit * 2);
        eager.appendMessage(top, ByteBuffer.allocate((int) credit * 2));
        assertThat(eager.queuedBytes(top)).as("what the credit does not cover queues").isEqualTo(credit);
        assertThat(sent(eager)).containsExactly("partial(" + credit * 2 + ")", "out-sink#0 payload(" + credit + ")");
        eager.checkInvariants();
    }

    @Test
    void enginesSharingOutputBuffersGiveTheirBufferBackOnceItIsWritten() {
        OutputBuffers pool = new OutputBuffers(96 * 1024, 4);
        MuxEngine a = new MuxEngine(Limits.defaults(), Limits.defaults(), 16 * 1024, new MuxListener() {}, "a")
                .encodeEagerly(true).outputBuffers(pool);
        MuxEngine b = new MuxEngine(Limits.defaults(), Limits.defaults(), 16 * 1024, new MuxListener() {}, "b")
                .encodeEagerly(true).outputBuffers(pool);
        for (MuxEngine e : List.of(a, b)) {
            e.receive(hex("88 00 fa 10 00 00"));
        }
        for (int turn = 0; turn < 10; turn++) {
            for (MuxEngine e : List.of(a, b)) {
                e.send(e.top().writeHalf().orElseThrow(), ByteBuffer.allocate(1000));
                ByteBuffer out = e.output();
                assertThat(out.isDirect()).as("a pooled buffer").isTrue();
                out.position(out.limit()); // written
                assertThat(e.output().hasRemaining()).isFalse(); // drained: the buffer goes back
            }
        }
        assertThat(pool.allocated()).as("one buffer served every turn of both engines").isEqualTo(1);
        assertThat(pool.free()).isEqualTo(1);
    }

    @Test
    void anIdleEngineHoldsNoOutputBufferOnceItsOwnerReleasesIt() {
        OutputBuffers pool = new OutputBuffers(96 * 1024, 4);
        MuxEngine e = new MuxEngine(Limits.defaults(), Limits.defaults(), 16 * 1024, new MuxListener() {}, "e")
                .encodeEagerly(true).outputBuffers(pool);
        e.receive(hex("88 00 fa 10 00 00"));
        e.send(e.top().writeHalf().orElseThrow(), ByteBuffer.allocate(1000)); // encoded at once: takes a buffer
        assertThat(pool.free()).isZero();
        ByteBuffer out = e.output();
        e.releaseOutputBuffer();
        assertThat(pool.free()).as("bytes still to write: kept").isZero();
        out.position(out.limit()); // written; the owner sees no more output and does not ask again
        assertThat(e.hasOutput()).isFalse();
        e.releaseOutputBuffer();
        assertThat(pool.free()).as("given back").isEqualTo(1);
        e.send(e.top().writeHalf().orElseThrow(), ByteBuffer.allocate(1000));
        assertThat(e.output().hasRemaining()).isTrue();
        e.dropOutputBuffer(); // the connection closed with bytes unwritten
        assertThat(pool.free()).isEqualTo(1);
    }

    @Test
    void aPoolOwnsAtMostItsKeepOfDirectBuffersAndHandsOutHeapBuffersBeyond() {
        OutputBuffers pool = new OutputBuffers(4096, 2);
        List<ByteBuffer> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(pool.take(100));
        }
        assertThat(taken).filteredOn(ByteBuffer::isDirect).hasSize(2);
        assertThat(pool.take(5000).isDirect()).as("larger than the pool's size").isFalse();
        taken.forEach(pool::give);
        assertThat(pool.free()).as("only the direct ones are kept").isEqualTo(2);
        assertThat(pool.take(100).isDirect()).isTrue();
    }

    @Test
    void aLargeChunkIsDeliveredInPiecesAsItsBytesArrive() {
        List<String> events = new ArrayList<>();
        ByteBuffer got = ByteBuffer.allocate(50_000);
        MuxEngine sender = new MuxEngine(Limits.defaults(), Limits.defaults(), 64 * 1024, new MuxListener() {}, "s");
        MuxEngine receiver = new MuxEngine(Limits.defaults(), Limits.defaults(), 64 * 1024, new MuxListener() {
            @Override
            public void data(Half h, ByteBuffer f, long total, boolean first, boolean last) {
                events.add(total + (first ? " first" : "") + (last ? " last" : ""));
                got.put(f);
            }
        }, "r");
        receiver.grant(receiver.top().readHalf().orElseThrow(), 1 << 20);
        EnginePeers.settle(receiver, sender);
        ByteBuffer message = pattern(50_000);
        sender.send(sender.top().writeHalf().orElseThrow(), message.duplicate());
        ByteBuffer wire = take(sender);
        for (int at = 0; at < wire.limit(); at += 7_000) {
            receiver.receive(wire.slice(at, Math.min(7_000, wire.limit() - at)));
        }
        assertThat(events).hasSize(8).startsWith("50000 first").endsWith("50000 last");
        assertThat(events.subList(1, 7)).containsOnly("50000");
        assertThat(got.flip()).isEqualTo(message);
        receiver.checkInvariants();
    }

    static ByteBuffer pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >> 8));
        }
        return ByteBuffer.wrap(b);
    }

    @Test
    void anEagerEngineHoldsAtMostItsEagerLimitOfEncodedBytesThenQueues() {
        MuxEngine eager = new MuxEngine(Limits.defaults(), Limits.defaults(), 16 * 1024, new MuxListener() {}, "")
                .encodeEagerly(true);
        eager.receive(hex("88 00 fa 10 00 00")); // 1 MiB of credit
        Half top = eager.top().writeHalf().orElseThrow();
        for (int i = 0; i < 100; i++) {
            eager.send(top, ByteBuffer.allocate(1000));
        }
        long encodedAtOnce = 100 * 1000 - eager.queuedBytes(top);
        assertThat(encodedAtOnce).as("encoded at once, nothing written yet")
                .isLessThanOrEqualTo(OutputScheduler.EAGER_LIMIT).isGreaterThan(OutputScheduler.EAGER_LIMIT - 2100);
        assertThat(eager.queuedBytes(top)).as("the rest queues").isPositive();
        assertThat(sent(eager)).hasSize(100);
        eager.checkInvariants();
    }

    @Test
    void oneByteOfCreditMakesProgressWithAPartialPayload() {
        Half top = engine.top().writeHalf().orElseThrow();
        engine.send(top, ByteBuffer.allocate(3));
        assertThat(sent(engine)).isEmpty();
        engine.receive(hex("88 00 01"));
        assertThat(sent(engine)).containsExactly("partial(3)", "out-sink#0 payload(1)");
        engine.receive(hex("88 00 01"));
        assertThat(sent(engine)).containsExactly("out-sink#0 payload(1)");
        assertThat(engine.queuedBytes(top)).isEqualTo(1);
        engine.receive(hex("88 00 05"));
        assertThat(sent(engine)).containsExactly("out-sink#0 payload(1)");
        assertThat(engine.credit(top)).isEqualTo(4);
    }

    @Test
    void aCloseInTheMiddleOfAPartialPayloadAbortsItOnBothSides() {
        List<String> events = new ArrayList<>();
        MuxEngine reader = new MuxEngine(Limits.defaults(), Limits.defaults(), 64 * 1024, new MuxListener() {
            @Override
            public void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {
                events.add("data " + fragment.remaining() + "/" + total + (last ? " last" : ""));
            }

            @Override
            public void closed(Half half, ByteBuffer reason) {
                events.add("closed " + reason.remaining());
            }
        }, "reader");
        reader.grant(reader.top().readHalf().orElseThrow(), 100);
        engine.receive(take(reader));
        Half top = engine.top().writeHalf().orElseThrow();
        engine.startMessage(top, 10);
        engine.appendMessage(top, ByteBuffer.allocate(4)); // a relay got 4 of 10 bytes, then its source died
        ByteBuffer started = take(engine);
        engine.close(top, ByteBuffer.wrap(new byte[] {1}));
        ByteBuffer ended = take(engine);
        List<String> chunks = new ArrayList<>();
        ChunkReader decoder = new ChunkReader(1 << 20);
        decoder.feed(started.duplicate(), c -> chunks.add(c.toString()));
        decoder.feed(ended.duplicate(), c -> chunks.add(c.toString()));
        assertThat(chunks).containsExactly("partial(10)", "out-sink#0 payload(4)", "out-sink#0 end(1)");
        reader.receive(started);
        reader.receive(ended);
        assertThat(events).containsExactly("data 4/10", "closed 1");
        assertThat(sent(reader)).containsExactly("out-stream#0 ack");
        reader.checkInvariants();
    }

    @Test
    void manualPongsWaitForTheOwner() {
        Half top = engine.top().readHalf().orElseThrow();
        engine.manualPongs(top, true);
        engine.receive(hex("44 00 44 00")); // two pings on the top-level half the peer writes
        assertThat(sent(engine)).isEmpty();
        assertThat(engine.pong(top)).isTrue();
        assertThat(sent(engine)).containsExactly("out-stream#0");
        assertThat(engine.pong(top)).isTrue();
        assertThat(engine.pong(top)).as("only two pings are owed").isFalse();
        assertThat(sent(engine)).containsExactly("out-stream#0");
    }

    @Test
    void aCloseWaitsForTheDataBeforeIt() {
        Half top = engine.top().writeHalf().orElseThrow();
        engine.send(top, ByteBuffer.allocate(2));
        engine.close(top, ByteBuffer.wrap(new byte[] {1}));
        engine.grant(engine.top().readHalf().orElseThrow(), 5);
        assertThat(sent(engine)).containsExactly("out-stream#0 credit(5)");
        engine.receive(hex("88 00 02"));
        assertThat(sent(engine)).containsExactly("out-sink#0 payload(2)", "out-sink#0 end(1)");
        assertThat(top.isEndedByUs()).isTrue();
    }

    @Test
    void thePeersLimitsAreRefusedLocally() {
        for (int i = 0; i < 3; i++) {
            engine.openSink(ByteBuffer.allocate(0));
        }
        assertThatThrownBy(() -> engine.openDuplex(ByteBuffer.allocate(0), 0))
                .isInstanceOf(MuxLimitException.class).hasMessageContaining("max_entities");
        MuxEngine other = new MuxEngine(Limits.defaults(), new Limits(1024, 8192, 3), 64 * 1024, new MuxListener() {}, "");
        assertThatThrownBy(() -> other.openSink(ByteBuffer.allocate(1025)))
                .isInstanceOf(MuxLimitException.class).hasMessageContaining("max_frame");
        assertThatThrownBy(() -> other.send(other.top().writeHalf().orElseThrow(), ByteBuffer.allocate(8193)))
                .isInstanceOf(MuxLimitException.class).hasMessageContaining("max_message");
        assertThatThrownBy(() -> other.close(other.top().writeHalf().orElseThrow(), ByteBuffer.allocate(2000)))
                .isInstanceOf(MuxLimitException.class);
    }

    @Test
    void idsAreReusedLowestFirstOnceRemoved() {
        Entity a = engine.openSink(ByteBuffer.allocate(0));
        Entity b = engine.openSink(ByteBuffer.allocate(0));
        assertThat(a.id()).isEqualTo(1);
        assertThat(b.id()).isEqualTo(2);
        engine.close(a.writeHalf().orElseThrow(), ByteBuffer.allocate(0));
        sent(engine);
        engine.receive(hex("a1 01")); // in-stream#1 ack: the peer, the reader, acks our close
        assertThat(a.isRemoved()).isTrue();
        assertThat(engine.openSink(ByteBuffer.allocate(0)).id()).isEqualTo(1);
        assertThat(engine.openRequest(ByteBuffer.allocate(0), 0).id()).isZero();
    }

    @Test
    void aRelayForwardsFragmentsAsTheyArriveKeepingMessageBoundaries() {
        Relay relay = new Relay();
        // client 1 opens a duplex towards the server's engine s1; the relay opens one on s2 to client 2
        MuxListener quiet = new MuxListener() {};
        List<String> atClient2 = new ArrayList<>();
        MuxEngine c1 = new MuxEngine(Limits.defaults(), Limits.defaults(), 7, quiet, "c1");
        MuxEngine c2 = new MuxEngine(Limits.defaults(), Limits.defaults(), 7, new MuxListener() {
            @Override
            public void opened(Entity e, ByteBuffer opening) {
                relay.c2 = e;
            }

            @Override
            public void data(Half h, ByteBuffer f, long total, boolean first, boolean last) {
                atClient2.add(total + (first ? " first " : " ") + f.remaining() + (last ? " last" : ""));
                relay.c2engine.grant(h, f.remaining());
            }
        }, "c2");
        relay.c2engine = c2;
        relay.start();
        Entity d = c1.openDuplex(ByteBuffer.wrap("to c2".getBytes()), 0);
        EnginePeers.settle(c1, relay.s1, relay.s2, c2);
        c2.grant(relay.c2.readHalf().orElseThrow(), 10);
        EnginePeers.settle(c1, relay.s1, relay.s2, c2);
        c1.send(d.writeHalf().orElseThrow(), ByteBuffer.allocate(25));
        c1.send(d.writeHalf().orElseThrow(), ByteBuffer.allocate(3));
        EnginePeers.settle(c1, relay.s1, relay.s2, c2);
        assertThat(String.join(",", atClient2)).startsWith("25 first").endsWith("3 first 3 last");
        long total = atClient2.stream().filter(s -> s.startsWith("25")).mapToLong(s -> Long.parseLong(s.split(" ")[s.split(" ").length - (s.endsWith("last") ? 2 : 1)])).sum();
        assertThat(total).isEqualTo(25);
        c1.close(d.writeHalf().orElseThrow(), ByteBuffer.wrap(new byte[] {9}));
        EnginePeers.settle(c1, relay.s1, relay.s2, c2);
        assertThat(relay.c2.readHalf().orElseThrow().isEndedByPeer()).isTrue();
    }

    /** A minimal relay of duplexes from server engine s1 to server engine s2: the engine API a server uses. */
    static final class Relay {
        MuxEngine s1;
        MuxEngine s2;
        MuxEngine c2engine;
        Entity c2;
        Entity out;

        void start() {
            s2 = new MuxEngine(Limits.defaults(), Limits.defaults(), 7, new MuxListener() {
                @Override
                public void credit(Half h, long n) { // credit from client 2 becomes credit for client 1
                    s1.grant(((Entity) h.entity().attachment().orElseThrow()).readHalf().orElseThrow(), n);
                }
            }, "s2");
            s1 = new MuxEngine(Limits.defaults(), Limits.defaults(), 7, new MuxListener() {
                @Override
                public void opened(Entity in, ByteBuffer opening) {
                    out = s2.openDuplex(opening, 0);
                    out.attach(in);
                    in.attach(out);
                }

                @Override
                public void data(Half h, ByteBuffer fragment, long total, boolean first, boolean last) {
                    Half to = ((Entity) h.entity().attachment().orElseThrow()).writeHalf().orElseThrow();
                    if (first) {
                        s2.startMessage(to, total);
                    }
                    s2.appendMessage(to, fragment);
                }

                @Override
                public void closed(Half h, ByteBuffer reason) {
                    s2.close(((Entity) h.entity().attachment().orElseThrow()).writeHalf().orElseThrow(), reason);
                }
            }, "s1");
        }
    }
}
