package io.minbus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.mux.Entity;
import io.minbus.mux.Half;
import io.minbus.mux.MuxEngine;
import io.minbus.mux.MuxListener;
import io.minbus.transport.Transport;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import io.minbus.wire.PreambleReader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A scripted peer: a bare {@link MuxEngine} over a transport, whose every event is recorded, and that
 * grants and answers nothing by itself (beyond the pongs and acks the engine queues). For the tests
 * that check exact chunks: credit withheld, pings seen, ends with their payloads.
 */
final class RawPeer implements AutoCloseable {
    /** What the engine reported: {@code opened, data, credit, closed, cancelled, pinged, pong, acked, removed, broken, eof}. */
    record Ev(String kind, Entity entity, Half half, ByteBuffer payload, long total) {
        @Override
        public String toString() {
            return kind + " " + entity + (payload == null ? "" : " (" + payload.remaining() + " bytes)");
        }
    }

    private final Transport transport;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedBlockingQueue<Ev> events = new LinkedBlockingQueue<>();
    private final MuxEngine engine;
    /** If set, data fragments go here (on the reader thread) instead of the event queue. */
    private volatile java.util.function.Consumer<ByteBuffer> dataTap;
    private final java.util.concurrent.Semaphore readGate = new java.util.concurrent.Semaphore(1);
    private volatile long readDelayNanos;

    private RawPeer(Transport transport, Limits ours, Limits theirs, ByteBuffer leftover) {
        this.transport = transport;
        this.engine = new MuxEngine(ours, theirs, 64 * 1024, new Recorder(), "raw");
        Thread.ofPlatform().daemon().name("raw-peer-reader").start(() -> readLoop(leftover));
    }

    static RawPeer start(Transport transport) {
        return start(transport, Limits.defaults());
    }

    static RawPeer start(Transport transport, Limits ours) {
        transport.write(Preamble.ours(ours).encode());
        PreambleReader reader = new PreambleReader();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (true) {
            if (transport.read(buf) < 0) {
                reader.endOfInput();
            }
            buf.flip();
            Optional<Preamble> p = reader.feed(buf);
            buf.compact();
            if (p.isPresent()) {
                return new RawPeer(transport, ours, p.get().limits(), buf.flip());
            }
        }
    }

    /** Runs {@code command} on the engine and writes what it queued. */
    <T> T call(Function<MuxEngine, T> command) {
        lock.lock();
        try {
            T result = command.apply(engine);
            flushLocked();
            return result;
        } finally {
            lock.unlock();
        }
    }

    void run(java.util.function.Consumer<MuxEngine> command) {
        call(e -> {
            command.accept(e);
            return null;
        });
    }

    Half topWrite() {
        return engine.top().writeHalf().orElseThrow();
    }

    Half topRead() {
        return engine.top().readHalf().orElseThrow();
    }

    /** The next event, failing after {@link TestPlugin#WAIT}. */
    Ev next() {
        return poll(TestPlugin.WAIT).orElseThrow(() -> new AssertionError("no event within " + TestPlugin.WAIT));
    }

    Optional<Ev> poll(Duration timeout) {
        try {
            return Optional.ofNullable(events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Skips events until one of {@code kind} on any half of {@code entity} (null: any entity). */
    Ev next(String kind, Entity entity) {
        while (true) {
            Ev ev = next();
            if (ev.kind().equals(kind) && (entity == null || ev.entity() == entity)) {
                return ev;
            }
            assertThat(ev.kind()).as("while waiting for " + kind + ": " + ev).isNotIn("eof");
        }
    }

    private void flushLocked() {
        while (engine.hasOutput()) {
            ByteBuffer out = engine.output();
            if (!out.hasRemaining()) {
                return;
            }
            transport.write(out);
        }
    }

    private void readLoop(ByteBuffer leftover) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            if (leftover.hasRemaining()) {
                received(leftover);
            }
            while (true) {
                readGate.acquireUninterruptibly();
                readGate.release();
                if (readDelayNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(readDelayNanos); // a slow reader, not synchronisation
                }
                buf.clear();
                if (transport.read(buf) < 0) {
                    lock.lock();
                    try {
                        if (!engine.isEnded()) {
                            engine.endOfInput();
                        }
                    } finally {
                        lock.unlock();
                    }
                    break;
                }
                received(buf.flip());
            }
        } catch (RuntimeException e) {
            events.add(new Ev("error: " + e.getMessage(), null, null, null, 0));
        }
        events.add(new Ev("eof", null, null, null, 0));
    }

    private void received(ByteBuffer input) {
        lock.lock();
        try {
            engine.receive(input);
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Sends data fragments to {@code tap} (on the reader thread) instead of recording them. */
    void tapData(java.util.function.Consumer<ByteBuffer> tap) {
        dataTap = tap;
    }

    /** Stops reading the transport (after the read in progress) until {@link #resumeReading}. */
    void pauseReading() {
        readGate.acquireUninterruptibly();
    }

    /** Reads again, waiting {@code delay} before each read. */
    void resumeReading(Duration delay) {
        readDelayNanos = delay.toNanos();
        readGate.release();
    }

    @Override
    public void close() {
        transport.close();
    }

    private final class Recorder implements MuxListener {
        private void add(String kind, Half h, ByteBuffer payload, long total) {
            events.add(new Ev(kind, h == null ? null : h.entity(), h, payload, total));
        }

        @Override
        public void opened(Entity entity, ByteBuffer opening) {
            events.add(new Ev("opened", entity, null, opening, opening.remaining()));
        }

        @Override
        public void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {
            java.util.function.Consumer<ByteBuffer> tap = dataTap;
            if (tap != null) {
                tap.accept(fragment);
                return;
            }
            ByteBuffer copy = ByteBuffer.allocate(fragment.remaining()).put(fragment).flip();
            add("data", half, copy, total);
        }

        @Override
        public void credit(Half half, long amount) {
            add("credit", half, null, amount);
        }

        @Override
        public void closed(Half half, ByteBuffer reason) {
            add("closed", half, reason, reason.remaining());
        }

        @Override
        public void cancelled(Half half, ByteBuffer reason) {
            add("cancelled", half, reason, reason.remaining());
        }

        @Override
        public void pinged(Half half) {
            add("pinged", half, null, 0);
        }

        @Override
        public void pong(Half half) {
            add("pong", half, null, 0);
        }

        @Override
        public void acked(Half half) {
            add("acked", half, null, 0);
        }

        @Override
        public void removed(Entity entity) {
            events.add(new Ev("removed", entity, null, null, 0));
        }

        @Override
        public void broken(Entity entity) {
            events.add(new Ev("broken", entity, null, null, 0));
        }
    }
}
