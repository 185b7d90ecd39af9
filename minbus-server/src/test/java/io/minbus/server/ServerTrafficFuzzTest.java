package io.minbus.server;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Registration;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkType;
import io.minbus.wire.ChunkWriter;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Fuzzes the whole server with the traffic of one client over {@link MinBusServer#connectInMemory()}:
 * a valid preamble followed by arbitrary bytes, and valid chunk framing with arbitrary types, ids,
 * flags, credits and payloads (with a registration and connects to a live plugin mixed in). After
 * every input: the server closed the connection (protocol violation or end of input, nothing else:
 * no internal error logged), sent a bounded amount, released every relay and buffered byte, and still
 * serves another client (register + query). In a normal build the corpus under {@code
 * src/test/resources/io/minbus/server/ServerTrafficFuzzTestInputs} is replayed; {@code
 * scripts/fuzz.sh io.minbus.server.ServerTrafficFuzzTest#arbitraryChunks 180} fuzzes for real.
 */
class ServerTrafficFuzzTest {
    private static final long MAX_OUTPUT = 16L << 20;
    /**
     * Whether open relays and buffered relay bytes must return to their level after each input. Off by
     * default while bugs 1-2 of docs/reliability.md are open (relays leak when a connection closes
     * while tasks are posted to it; the inputs in ServerTrafficFuzzTestKnownBugs/ show it);
     * {@code -Dminbus.strict=true} turns it on.
     */
    private static final boolean STRICT = true; // bugs 1 and 2 of docs/reliability.md are fixed
    private static final MinBusServer SERVER = MinBusServer.builder().loops(1)
            .limits(ServerLimits.builder().relayBuffer(4096)
                    .relayMemory(1 << 20).watchBacklog(8192).maxRelaysPerPlugin(4).maxPendingQueries(4)
                    .session(Limits.defaults().withMaxEntities(16)).build())
            .start();
    private static final TestPlugin PEER = TestPlugin.over(SERVER.connectInMemory()).registered("peer", 1);
    private static final ByteArrayOutputStream SEVERE = new ByteArrayOutputStream();
    private static final Object HANDLER = severeLogCapture();
    private static long inputs;

    @FuzzTest(maxDuration = "10s")
    void arbitraryBytesAfterThePreamble(byte[] input) {
        exchange(input);
    }

    @FuzzTest(maxDuration = "10s")
    void arbitraryChunks(FuzzedDataProvider data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (data.consumeBoolean()) {
            put(out, Chunk.credit(ChunkType.OUT_STREAM, 0, data.consumeInt(0, 64)));
            put(out, Chunk.payload(ChunkType.OUT_SINK, 0, data.consumeBoolean()
                    ? Registration.nameless(0).encode() : Registration.of(new PluginInfo("fz", 1)).encode()));
        }
        ChunkType[] types = ChunkType.values();
        while (data.remainingBytes() > 0) {
            int kind = data.consumeInt(0, 9);
            if (kind < 7) {
                long id = data.consumeBoolean() ? data.consumeLong(0, 4) : data.consumeLong();
                int flags = data.consumeInt(0, 31);
                byte[] payload = data.consumeBytes(data.consumeInt(0, 300));
                long credit = data.consumeBoolean() ? data.consumeLong(0, 5000) : data.consumeLong();
                byte[] end = data.consumeBytes(data.consumeInt(0, 8));
                put(out, new Chunk(types[kind], id, flags, ByteBuffer.wrap(payload), credit, ByteBuffer.wrap(end)));
            } else if (kind == 7) {
                put(out, Chunk.partial(data.consumeLong(1, 1 << 20)));
            } else if (kind == 8) {
                ByteBuffer connect = new ConnectRequest(data.consumeBoolean() ? "peer" : "fz",
                        data.consumeBoolean() ? OptionalInt.of(data.consumeInt(0, 2)) : OptionalInt.empty()).encode();
                put(out, Chunk.payload(ChunkType.DUPLEX, data.consumeLong(0, 4), connect));
            } else {
                out.writeBytes(data.consumeBytes(data.consumeInt(0, 16)));
            }
        }
        exchange(out.toByteArray());
    }

    private static void put(OutputStream out, Chunk chunk) {
        ByteBuffer b = ChunkWriter.encode(chunk);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        ((ByteArrayOutputStream) out).writeBytes(a);
    }

    private static void exchange(byte[] input) {
        ServerStats before = SERVER.stats();
        Transport t = SERVER.connectInMemory();
        AtomicLong received = new AtomicLong();
        Thread drain = Thread.ofVirtual().start(() -> {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            try {
                while (t.read(buf.clear()) >= 0) {
                    if (received.addAndGet(buf.position()) > MAX_OUTPUT) {
                        return;
                    }
                }
            } catch (TransportException e) {
                // reset: the server closed
            }
        });
        try {
            t.write(Preamble.ours(Limits.defaults()).encode());
            t.write(ByteBuffer.wrap(input));
            t.shutdownOutput();
        } catch (TransportException e) {
            // the server closed the connection first (a violation)
        }
        try {
            if (!drain.join(Duration.ofSeconds(10))) {
                throw new AssertionError("the server did not close the connection after the end of input");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        t.close();
        if (received.get() > MAX_OUTPUT) {
            throw new AssertionError("the server sent more than " + MAX_OUTPUT + " bytes for " + input.length + " input bytes");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            ServerStats s = SERVER.stats();
            boolean relaysReleased = !STRICT
                    || (s.openRelays() <= before.openRelays() && s.relayBytesBuffered() <= before.relayBytesBuffered());
            if (s.connections() == before.connections() && relaysReleased) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not released after the connection closed: " + s);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // polling the server's counters
        }
        flushSevere();
        synchronized (SEVERE) {
            if (SEVERE.size() > 0) {
                String log = SEVERE.toString();
                SEVERE.reset();
                throw new AssertionError("the server logged an internal error:\n" + log);
            }
        }
        if (++inputs % 16 == 0 || input.length > 0) {
            try (TestPlugin other = TestPlugin.over(SERVER.connectInMemory())) {
                other.registered("health", 1);
                if (other.query().plugins().stream().noneMatch(p -> p.name().equals("peer"))) {
                    throw new AssertionError("the server lost the plugin 'peer'");
                }
            }
            waitForConnections(before.connections());
        }
    }

    private static void waitForConnections(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (SERVER.stats().connections() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("connections stay at " + SERVER.stats().connections() + ", expected " + n);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * A java.util.logging StreamHandler at SEVERE on the logger "io.minbus.server" (the default
     * System.Logger backend), created reflectively: this module does not read java.logging.
     */
    private static Object severeLogCapture() {
        try {
            ClassLoader cl = ClassLoader.getSystemClassLoader();
            Class<?> loggerClass = Class.forName("java.util.logging.Logger", true, cl);
            Class<?> handlerClass = Class.forName("java.util.logging.Handler", true, cl);
            Class<?> levelClass = Class.forName("java.util.logging.Level", true, cl);
            Class<?> formatterClass = Class.forName("java.util.logging.Formatter", true, cl);
            Object formatter = Class.forName("java.util.logging.SimpleFormatter", true, cl).getConstructor().newInstance();
            Object handler = Class.forName("java.util.logging.StreamHandler", true, cl)
                    .getConstructor(OutputStream.class, formatterClass).newInstance(SEVERE, formatter);
            Object severe = levelClass.getField("SEVERE").get(null);
            handlerClass.getMethod("setLevel", levelClass).invoke(handler, severe);
            Object logger = loggerClass.getMethod("getLogger", String.class).invoke(null, "io.minbus.server");
            loggerClass.getMethod("addHandler", handlerClass).invoke(logger, handler);
            return handler;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot capture the server's log", e);
        }
    }

    private static void flushSevere() {
        try {
            HANDLER.getClass().getMethod("flush").invoke(HANDLER);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            PEER.close();
            SERVER.close();
        }));
    }
}
