package io.minbus.mux;

import io.minbus.transport.Transport;
import io.minbus.transport.internal.logging.LazyLogger;
import io.minbus.wire.ProtocolViolationException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machinery behind a {@link Session}: one engine guarded by {@link #lock}, one platform reader
 * thread feeding it, and writes coalesced by flat combining (the thread that queued chunks writes
 * them if no one else is writing; the writer drains everything queued before it lets go) with a
 * writer thread for what the reader thread queues (it must never block on a write: two peers whose
 * readers both wait to write would deadlock) and for heartbeats.
 *
 * <p>Locks: {@link #lock} guards the engine and all session state and is never held while blocking
 * on the transport; {@link #writeLock} serialises transport writes. {@link Session#accept()} waits
 * on {@link #changed}; a thread waiting on a half waits on that half's own condition
 * ({@link End#await}), and {@link #fail} wakes them all.
 */
final class SessionCore {
    private static final Logger LOG = LazyLogger.of("minbus.mux.session");

    final ReentrantLock lock = new ReentrantLock();
    /** The read being decoded, while {@link #received} decodes it (lock held); null otherwise. */
    private ByteBuffer input;
    final Condition changed = lock.newCondition();
    private final Condition work = lock.newCondition();
    private final ReentrantLock writeLock = new ReentrantLock();
    final Transport transport;
    final SessionConfig config;
    final ArrayDeque<Incoming> incoming = new ArrayDeque<>();
    /** The halves some thread waits on, to wake when the session fails (see {@link End#await}). */
    final Set<End> waiting = new HashSet<>();
    MuxEngine engine;
    ReadEnd topRead;
    WriteEnd topWrite;
    /** Why the session cannot be used any more; null while it can (internal only). */
    private BrokenException failure;
    private long lastInputNanos = System.nanoTime();
    private long heartbeatTicket;
    private long heartbeatDeadline;
    private Thread readerThread;

    SessionCore(Transport transport, SessionConfig config) {
        this.transport = transport;
        this.config = config;
    }

    void startThreads(ByteBuffer leftover) {
        readerThread = Thread.ofPlatform().daemon().name("minbus-read-" + config.name())
                .start(() -> readLoop(leftover));
        Thread.ofPlatform().daemon().name("minbus-write-" + config.name()).start(this::writeLoop);
    }

    // ------------------------------------------------------------------ failure

    /** Throws if the session failed; call with {@link #lock} held. */
    void checkOpen() {
        if (failure != null) {
            throw new BrokenException(failure.getMessage(), failure);
        }
    }

    boolean isOpen() {
        lock.lock();
        try {
            return failure == null;
        } finally {
            lock.unlock();
        }
    }

    /** Marks the session failed (the first reason wins), wakes everybody and closes the transport. */
    void fail(BrokenException why) {
        lock.lock();
        try {
            if (failure == null) {
                failure = why;
                LOG.log(Level.DEBUG, () -> config.name() + ": " + why.getMessage());
            }
            wakeAll();
        } finally {
            lock.unlock();
        }
        transport.close();
    }

    /** Wakes every waiting thread: the session failed (lock held). */
    private void wakeAll() {
        changed.signalAll();
        work.signalAll();
        for (End e : List.copyOf(waiting)) {
            e.signal();
        }
    }

    /** Closes the session: best-effort flush of what is queued, then the transport. */
    void close() {
        try {
            if (writeLock.tryLock(200, TimeUnit.MILLISECONDS)) {
                try {
                    drain();
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fail(new BrokenException("session closed"));
    }

    // ------------------------------------------------------------------ writing

    /** After queuing chunks (without holding {@link #lock}): gets them written, by flat combining or the writer. */
    void kick() {
        if (config.writeStrategy() == SessionConfig.WriteStrategy.FLAT_COMBINING
                && Thread.currentThread() != readerThread) {
            while (writeLock.tryLock()) {
                try {
                    drain();
                } finally {
                    writeLock.unlock();
                }
                lock.lock();
                try {
                    if (failure != null || !engine.hasQueuedChunks()) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            }
            return;
        }
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Writes everything queued; call with {@link #writeLock} held and {@link #lock} not held. */
    private void drain() {
        while (true) {
            ByteBuffer b;
            lock.lock();
            try {
                if (failure != null || engine.isEnded()) {
                    return;
                }
                b = engine.output();
            } finally {
                lock.unlock();
            }
            if (!b.hasRemaining()) {
                return;
            }
            try {
                transport.write(b);
            } catch (RuntimeException e) {
                fail(new BrokenException("connection lost: writing to " + transport.description() + " failed: "
                        + e.getMessage(), e));
                return;
            }
        }
    }

    private void writeLoop() {
        lock.lock();
        try {
            while (failure == null) {
                if (engine.hasQueuedChunks() && !writeLock.isLocked()) {
                    lock.unlock();
                    try {
                        writeLock.lock();
                        try {
                            drain();
                        } finally {
                            writeLock.unlock();
                        }
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                long waitNanos = heartbeat(System.nanoTime());
                // if another thread is writing, it drains everything and checks again after letting go
                if (failure == null && (!engine.hasQueuedChunks() || writeLock.isLocked())) {
                    work.awaitNanos(Math.max(waitNanos, 1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Pings the top level when idle, fails the session on a late pong; returns how long to sleep. Lock held. */
    private long heartbeat(long now) {
        long interval = config.heartbeatInterval().toNanos();
        if (interval == 0) {
            return TimeUnit.SECONDS.toNanos(3600);
        }
        if (heartbeatTicket != 0) {
            if (topRead.pongs >= heartbeatTicket) {
                heartbeatTicket = 0;
            } else if (now - heartbeatDeadline >= 0) {
                BrokenException why = new BrokenException("connection broken: no answer to a heartbeat ping on "
                        + transport.description() + " within " + config.heartbeatTimeout().toMillis() + " ms");
                failure = why;
                wakeAll();
                transport.close(); // does not block; the reader thread then sees the end
                return 1;
            } else {
                return heartbeatDeadline - now;
            }
        }
        long idle = now - lastInputNanos;
        if (idle < interval) {
            return interval - idle;
        }
        if (engine.ping(topRead.half)) {
            heartbeatTicket = ++topRead.pingsSent;
            heartbeatDeadline = now + config.heartbeatTimeout().toNanos();
            lastInputNanos = now;
            return 0;
        }
        lastInputNanos = now;
        return interval;
    }

    // ------------------------------------------------------------------ reading

    private void readLoop(ByteBuffer leftover) {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024); // a heap buffer costs a copy per read
        try {
            if (leftover.hasRemaining()) {
                received(leftover);
            }
            while (true) {
                buf.clear();
                int n = transport.read(buf);
                if (n < 0) {
                    lock.lock();
                    try {
                        if (failure == null) {
                            engine.endOfInput();
                        }
                    } finally {
                        lock.unlock();
                    }
                    fail(new BrokenException("connection lost: " + transport.description() + " ended"));
                    return;
                }
                received(buf.flip());
            }
        } catch (ProtocolViolationException e) {
            fail(new BrokenException(e.getMessage() + " (peer " + transport.description() + ")", e));
        } catch (RuntimeException e) {
            fail(new BrokenException("connection lost: " + e.getMessage(), e));
        }
    }

    /**
     * Whether bytes of the read being decoded remain behind the chunk being handled (lock held, on
     * the reader thread): a message with more at hand is part of a burst ({@link Duplex#deliverTo}).
     */
    boolean moreInputAtHand() {
        return input != null && input.hasRemaining();
    }

    private void received(ByteBuffer input) {
        lock.lock();
        try {
            if (failure != null) {
                return;
            }
            lastInputNanos = System.nanoTime();
            this.input = input;
            try {
                engine.receive(input);
            } finally {
                this.input = null;
            }
            if (engine.hasQueuedChunks()) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }
}
