package io.minbus.testkit;

import io.minbus.protocol.Registration;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkReader;
import io.minbus.wire.ChunkType;
import io.minbus.wire.Flags;
import io.minbus.wire.ChunkWriter;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import io.minbus.wire.PreambleReader;
import io.minbus.wire.ProtocolViolationException;
import io.minbus.wire.Violation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.opentest4j.AssertionFailedError;

/**
 * A raw minbus peer driven by a script: "send these chunks, expect those" (like OkHttp's
 * MockHttp2Peer). It speaks no protocol on its own (no acks, no credit, no pongs), so a test sees
 * exactly what the other side sends in answer to exactly the bytes the script wrote.
 *
 * <pre>{@code
 * try (ScriptedPeer peer = ScriptedPeer.connect(address)) {       // preambles exchanged
 *     peer.expect("out-stream#0 credit(4096)")                    // the bus's top-level credit
 *         .send("88 00 fa 01 00 00")                              // Out-Stream #0 credit(65536)
 *         .send(Chunk.payload(ChunkType.OUT_SINK, 0, Registration.named("kv", 3).encode()))
 *         .expectHex("50 00 01 00")                               // registered (or: .register("kv", 3))
 *         .send("10 05 01 2a")                                    // Out-Request #5 payload(1): unexpected
 *         .expect("in-request#5 end(0)")
 *         .send("d0 06 04 00 02 64 62")                           // connect "db": no such plugin
 *         .expectAnyOrder("62 06 02 01 01", "a2 06 02 01 01");    // close and cancel with 01 01
 * }
 * }</pre>
 *
 * <p>Expectations compare the next chunk received with its frame-log form ({@link Chunk#toString()},
 * docs/protocol.md §5), or with its exact bytes ({@link #expectHex}); a mismatch or a timeout
 * throws {@link AssertionFailedError} with the transcript so far. Each call runs at once and blocks at
 * most {@link #timeout(Duration)} (default 5 s). One thread drives a peer.
 */
public final class ScriptedPeer implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
    private static final Object END = new Object();

    private final Transport transport;
    private final Limits limits;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();
    private final ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
    private Duration timeout = Duration.ofSeconds(5);
    private Optional<Preamble> peerPreamble = Optional.empty();
    private LongSupplier violations;
    private long violationsAtStart;
    private Thread reader;

    private ScriptedPeer(Transport transport, Limits limits) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.limits = limits;
        pending.flip();
    }

    /** Connects to {@code address} (a real Unix or TCP socket) and exchanges preambles. */
    public static ScriptedPeer connect(BusAddress address) {
        return over(Transports.connect(address));
    }

    /**
     * Takes over a connected transport (e.g. {@link io.minbus.server.MinBusServer#connectInMemory()},
     * or one end of {@link Transports#inMemoryPair} whose other end a plugin under test uses) and
     * exchanges preambles with the default limits.
     */
    public static ScriptedPeer over(Transport transport) {
        ScriptedPeer peer = raw(transport, Limits.defaults());
        peer.sendPreamble().expectPreamble();
        return peer;
    }

    /**
     * Takes over a connected transport without sending anything: the script starts with {@link
     * #sendPreamble()} (or bytes of its own) and {@link #expectPreamble()}. {@code limits} are declared
     * by {@link #sendPreamble()} and bound what this peer decodes ({@code max_frame}).
     */
    public static ScriptedPeer raw(Transport transport, Limits limits) {
        return new ScriptedPeer(transport, limits);
    }

    /** How long each expectation waits; default 5 s. */
    public ScriptedPeer timeout(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, not " + value);
        }
        timeout = value;
        return this;
    }

    /**
     * Where {@link #expectViolation} reads the other side's count of protocol violations (e.g. {@code
     * () -> server.stats().violations()}); {@link InMemoryBus#scriptedPeer()} sets it.
     */
    public ScriptedPeer violationCounter(LongSupplier counter) {
        violations = Objects.requireNonNull(counter, "counter");
        violationsAtStart = counter.getAsLong();
        return this;
    }

    // ------------------------------------------------------------------ sending

    /** Sends our preamble (protocol version 1 and the limits given at creation). */
    public ScriptedPeer sendPreamble() {
        return write(Preamble.ours(limits).encode(), ">> preamble");
    }

    /** Sends these bytes exactly, written as hex pairs ("50 00 05 02 6b 76 00 03"; spaces optional). */
    public ScriptedPeer send(String hex) {
        ByteBuffer bytes = ByteBuffer.wrap(parseHex(hex));
        return write(bytes, ">> " + HEX.formatHex(bytes.array()));
    }

    /** Sends chunks, each encoded as docs/protocol.md §5 lays it out. */
    public ScriptedPeer send(Chunk... chunks) {
        for (Chunk c : chunks) {
            write(ChunkWriter.encode(c), ">> " + c);
        }
        return this;
    }

    /**
     * Registers on a bus the raw way (docs/minbus.md §3, §4): expects the bus's top-level credit
     * ({@code out-stream#0 credit(N)}), grants 65536 bytes of top-level credit, sends the registration
     * and expects the result {@code 00}. Chunk ids from 1 up are then free for the script.
     */
    public ScriptedPeer register(String name, int version) {
        Chunk credit = next("out-stream#0 credit(N)");
        if (credit.type() != ChunkType.OUT_STREAM || credit.id() != 0 || credit.flags() != Flags.CREDIT) {
            throw fail("expected the bus's top-level credit", "out-stream#0 credit(N)", credit.toString(), null);
        }
        return send(Chunk.credit(ChunkType.OUT_STREAM, 0, 65536))
                .send(Chunk.payload(ChunkType.OUT_SINK, 0, Registration.named(name, version).encode()))
                .expectHex("50 00 01 00");
    }

    /** Half-closes: the other side reads the end of the stream; we can still read. */
    public ScriptedPeer shutdownOutput() {
        transport.shutdownOutput();
        transcript.add(">> end of stream");
        return this;
    }

    private ScriptedPeer write(ByteBuffer bytes, String line) {
        transcript.add(line);
        try {
            transport.write(bytes);
        } catch (RuntimeException e) {
            throw fail("could not send (" + e.getMessage() + ")", line, "the send", e);
        }
        return this;
    }

    // ------------------------------------------------------------------ expecting

    /** Reads the other side's preamble; it must speak version 1 with valid limits. */
    public ScriptedPeer expectPreamble() {
        PreambleReader pr = new PreambleReader();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (true) {
                int n = transport.read(buf);
                if (n < 0) {
                    throw fail("the stream ended before the other side's preamble", "a preamble", "end of stream", null);
                }
                buf.flip();
                Optional<Preamble> p = pr.feed(buf);
                if (p.isPresent()) {
                    peerPreamble = p;
                    pending.clear();
                    pending.put(buf).flip();
                    transcript.add("<< preamble " + p.get().limits());
                    return this;
                }
                buf.compact();
            }
        } catch (ProtocolViolationException e) {
            throw fail("the other side's preamble is invalid: " + e.getMessage(), "a preamble", "invalid", e);
        }
    }

    /** The other side's preamble, once read. */
    public Optional<Preamble> peerPreamble() {
        return peerPreamble;
    }

    /**
     * Expects the next chunk to have this frame-log form, e.g. {@code "in-request#1 end(0)"} or
     * {@code "partial(70000)"}; returns the chunk (its payloads copied) through {@link #lastChunk()}.
     */
    public ScriptedPeer expect(String frameLog) {
        Chunk c = next(frameLog);
        if (!c.toString().equals(frameLog.strip())) {
            throw fail("unexpected chunk", frameLog.strip(), c.toString(), null);
        }
        return this;
    }

    /** Expects the next chunks, in order, in frame-log form. */
    public ScriptedPeer expect(String... frameLogs) {
        for (String f : frameLogs) {
            expect(f);
        }
        return this;
    }

    /** Expects the next chunk to be exactly these bytes (hex pairs), so payloads are checked too. */
    public ScriptedPeer expectHex(String hex) {
        String want = HEX.formatHex(parseHex(hex));
        Chunk c = next(want);
        String got = HEX.formatHex(toArray(ChunkWriter.encode(c)));
        if (!got.equals(want)) {
            throw fail("unexpected chunk bytes (" + c + ")", want, got, null);
        }
        return this;
    }

    /**
     * Expects the next {@code n} chunks to be these, in any order (for chunks whose order the spec
     * leaves open, such as the close and the cancel ending a refused duplex). Each entry is a frame-log
     * form ({@code "in-sink#2 end(2)"}) or exact hex bytes ({@code "62 02 02 01 01"}).
     */
    public ScriptedPeer expectAnyOrder(String... expected) {
        List<String> left = new ArrayList<>(List.of(expected));
        for (int i = 0; i < expected.length; i++) {
            Chunk c = next(String.join(" | ", left));
            String log = c.toString();
            String hex = HEX.formatHex(toArray(ChunkWriter.encode(c)));
            boolean matched = left.removeIf(new java.util.function.Predicate<>() {
                private boolean done;

                @Override
                public boolean test(String e) {
                    if (done) {
                        return false;
                    }
                    done = isFrameLog(e) ? e.strip().equals(log) : HEX.formatHex(parseHex(e)).equals(hex);
                    return done;
                }
            });
            if (!matched) {
                throw fail("unexpected chunk (" + hex + ")", "one of " + left, log, null);
            }
        }
        return this;
    }

    private static boolean isFrameLog(String s) {
        return s.contains("#") || s.contains("(");
    }

    /** Expects the next chunk to equal {@code chunk}, fields and payload bytes. */
    public ScriptedPeer expect(Chunk chunk) {
        return expectHex(HEX.formatHex(toArray(ChunkWriter.encode(chunk))));
    }

    /** Expects the other side to end the stream next, with no chunk before. */
    public ScriptedPeer expectEnd() {
        Object o = poll("end of stream");
        if (o != END) {
            throw fail("expected the end of the stream", "end of stream", describe(o), null);
        }
        return this;
    }

    /**
     * Expects the other side to drop the connection because the script broke {@code rule} (the
     * bytes sent just before): the stream ends, chunks it sent before are skipped, and, when a
     * {@link #violationCounter} is set, the other side counted one more violation. The rule itself is
     * not on the wire; naming it documents the script and appears in failure messages.
     */
    public ScriptedPeer expectViolation(Violation rule) {
        String what = "end of stream (violation " + rule + ", protocol.md §" + rule.section() + ")";
        Object o;
        while ((o = poll(what)) != END) {
            transcript.add("<< " + describe(o) + " (skipped)");
        }
        transcript.add("<< " + what);
        if (violations != null) {
            long before = violationsAtStart;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (violations.getAsLong() <= before) {
                if (System.nanoTime() > deadline) {
                    throw fail("the stream ended but the other side counted no protocol violation", what,
                            "violations " + violations.getAsLong(), null);
                }
                Thread.onSpinWait();
            }
        }
        return this;
    }

    /** Expects nothing to arrive for {@code quiet}: neither a chunk nor the end of the stream. */
    public ScriptedPeer expectNothingFor(Duration quiet) {
        startReader();
        try {
            Object o = received.poll(quiet.toNanos(), TimeUnit.NANOSECONDS);
            if (o != null) {
                throw fail("expected silence for " + quiet, "nothing", describe(o), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted", e);
        }
        return this;
    }

    /** The next chunk whatever it is (payloads copied), for checks the DSL does not cover. */
    public Chunk receive() {
        return next("any chunk");
    }

    /** Every line sent ({@code >>}) and received ({@code <<}) so far. */
    public List<String> transcript() {
        return List.copyOf(transcript);
    }

    /** Closes the transport. */
    @Override
    public void close() {
        transport.close();
    }

    private Chunk next(String expected) {
        Object o = poll(expected);
        if (o instanceof Chunk c) {
            transcript.add("<< " + c);
            return c;
        }
        throw fail("expected a chunk", expected, describe(o), o instanceof Throwable t ? t : null);
    }

    private Object poll(String expected) {
        startReader();
        try {
            Object o = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (o == null) {
                throw fail("nothing arrived within " + timeout, expected, "nothing", null);
            }
            if (o == END) {
                received.add(END); // the end stays the end
            }
            return o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting for " + expected, e);
        }
    }

    private void startReader() {
        if (reader != null) {
            return;
        }
        if (peerPreamble.isEmpty()) {
            throw new IllegalStateException("expect the other side's preamble first (expectPreamble())");
        }
        ChunkReader chunks = new ChunkReader(limits.maxFrameInt());
        ByteBuffer first = pending;
        reader = Thread.ofPlatform().daemon().name("scripted-peer-reader").start(() -> {
            ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
            try {
                chunks.feed(first, c -> received.add(copy(c)));
                while (true) {
                    buf.clear();
                    int n = transport.read(buf);
                    if (n < 0) {
                        chunks.endOfInput();
                        received.add(END);
                        return;
                    }
                    buf.flip();
                    chunks.feed(buf, c -> received.add(copy(c)));
                }
            } catch (RuntimeException e) {
                received.add(e);
                received.add(END);
            }
        });
    }

    private static Chunk copy(Chunk c) {
        return new Chunk(c.type(), c.id(), c.flags(), copy(c.payload()), c.credit(), copy(c.end()));
    }

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.wrap(toArray(b)).asReadOnlyBuffer();
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static String describe(Object o) {
        if (o == END) {
            return "end of stream";
        }
        if (o instanceof Throwable t) {
            return "undecodable input: " + t.getMessage();
        }
        return o.toString();
    }

    static byte[] parseHex(String hex) {
        String compact = hex.replaceAll("\\s+", "");
        if (compact.equalsIgnoreCase("empty")) {
            return new byte[0];
        }
        return HexFormat.of().parseHex(compact);
    }

    private AssertionFailedError fail(String what, String expected, String actual, Throwable cause) {
        StringBuilder sb = new StringBuilder("ScriptedPeer over ").append(transport.description()).append(": ")
                .append(what).append("\n  expected: ").append(expected).append("\n  actual:   ").append(actual)
                .append("\n  transcript:");
        for (String line : transcript) {
            sb.append("\n    ").append(line);
        }
        return new AssertionFailedError(sb.toString(), expected, actual, cause);
    }
}
