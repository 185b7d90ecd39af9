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
 * <p>Reading ({@link SessionConfig.ReadStrategy#WAITER_READS}, on a transport that can be polled):
 * one thread at a time holds the <em>read role</em> ({@link #leader}) and polls the transport,
 * decodes what came and hands it out. A platform thread waiting in a receive takes the role when
 * nobody holds it, or asks the reader thread to step aside ({@link #wakeup}); so the thread a
 * message is for usually reads it itself, with no hand-off (leader/follower). When it lets go, the
 * role stays free for {@link #GRACE_NANOS}, long enough for that thread to come back with its next
 * receive; after that the reader thread takes it again. The reader thread looks once a grace while
 * leads come and go; a lead held for a whole grace (a quiet peer) parks it until that lead ends. A thread that waits without reading (a
 * virtual thread, a sender waiting for credit, {@link Session#accept}) calls {@link #waiterEnters},
 * which gives a free role back to the reader thread at once. Otherwise, and on transports that
 * cannot be polled, only the reader thread reads (a blocking read).
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
    /** The heartbeat watch waits here between checks. */
    private final Condition watch = lock.newCondition();
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

    /** How long the read role stays free after a waiting thread let go of it, before the reader thread takes it. */
    static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The heartbeat watch sleeps at least this long between checks. */
    private static final long WATCH_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Whether threads waiting in a receive may read (leader/follower); fixed at start. */
    private boolean polled;
    /** The thread holding the read role, or null while it is free (lock held). */
    private Thread leader;
    /** How many times a waiting thread took the read role: the reader thread takes it only after a quiet grace. */
    private long leads;
    /** The reader thread should take the free role at once: somebody waits who does not read. */
    private boolean handBack;
    /** A waiting thread asked the reader thread, which holds the role, to let go of it. */
    private boolean stepAside;
    /** What the holder of the read role reads into (decoding copies out of it before the role is let go). */
    private ByteBuffer roleBuffer;
    /** The reader thread waits here while the role is taken or in its grace. */
    private final Condition readerTurn = lock.newCondition();
    /**
     * The reader thread waits on {@link #readerTurn} without a time limit: a waiting thread has held
     * the role, without letting go, for a whole grace (it waits in a poll for a quiet peer), so the
     * reader thread no longer looks every grace but is woken when the role is let go.
     */
    private boolean readerParked;

    SessionCore(Transport transport, SessionConfig config) {
        this.transport = transport;
        this.config = config;
    }

    void startThreads(ByteBuffer leftover) {
        if (config.readStrategy() == SessionConfig.ReadStrategy.WAITER_READS && transport.startPolling()) {
            polled = true;
            roleBuffer = ByteBuffer.allocateDirect(64 * 1024); // a heap buffer costs a copy per read
            if (leftover.hasRemaining()) {
                received(leftover, false); // before anybody reads on
            }
            readerThread = Thread.ofPlatform().daemon().name("minbus-read-" + config.name()).unstarted(this::pollLoop);
            readerThread.start();
        } else {
            readerThread = Thread.ofPlatform().daemon().name("minbus-read-" + config.name())
                    .start(() -> readLoop(leftover));
        }
        Thread.ofPlatform().daemon().name("minbus-write-" + config.name()).start(this::writeLoop);
        if (!config.heartbeatInterval().isZero()) {
            Thread.ofVirtual().name("minbus-heartbeat-" + config.name()).start(this::watchLoop);
        }
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
        watch.signalAll();
        readerTurn.signalAll();
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

    /**
     * Keeps the heartbeat's time on a thread that never writes: the writer thread also checks it
     * between writes, but a write to a peer that stopped reading (SIGSTOP: its socket stays open and
     * fills up) blocks that thread, possibly with the very ping whose answer is overdue. This loop
     * then fails the session on time, and closing the transport ends the blocked write.
     */
    private void watchLoop() {
        lock.lock();
        try {
            while (failure == null) {
                long waitNanos = heartbeat(System.nanoTime());
                if (failure != null) {
                    return;
                }
                if (engine.hasQueuedChunks()) {
                    work.signal(); // a ping this loop queued: the writer sends it
                }
                watch.awaitNanos(Math.max(waitNanos, WATCH_MIN_NANOS));
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

    // ------------------------------------------------------------------ the read role (leader/follower)

    /** Whether the current thread may read while it waits: a platform thread on a polled session (lock held). */
    boolean mayLead() {
        return polled && !Thread.currentThread().isVirtual();
    }

    /**
     * Lock held, after {@link #mayLead}: takes the read role if it is free and returns true; if the
     * reader thread holds it, asks it to step aside (it then wakes the waiting threads), and returns
     * false. Asked again each time the caller wakes to find the reader thread reading: a waiter
     * slower to run than the reader's grace finds the role taken again.
     */
    boolean tryLead() {
        if (leader == null) {
            leader = Thread.currentThread();
            leads++;
            return true;
        }
        if (leader == readerThread && !stepAside) {
            stepAside = true;
            transport.wakeup(); // does not block: the reader's poll returns, and it lets go
        }
        return false;
    }

    /**
     * With the read role and without the lock: polls the transport until {@code deadline}
     * (System.nanoTime based, {@link Long#MAX_VALUE} for ever), decodes what came, and lets go of
     * the role. Failures fail the session; the caller re-checks what it waits for.
     *
     * @throws BrokenException if the thread was interrupted while polling
     */
    void lead(long deadline) {
        int n;
        BrokenException broke = null;
        try {
            long timeout = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            n = timeout <= 0 ? 0 : transport.poll(roleBuffer.clear(), timeout);
        } catch (RuntimeException e) {
            n = 0;
            broke = new BrokenException("connection lost: " + e.getMessage(), e);
        }
        boolean write;
        lock.lock();
        try {
            if (n > 0) {
                broke = decode(roleBuffer.flip(), true);
            }
            leader = null;
            if (readerParked) {
                readerTurn.signal(); // it starts the grace now
            }
            // the role stays free for the grace even if others wait without reading (a virtual
            // thread, a dispatcher loop): handing it back at once would cost two hand-offs per
            // receive of this thread, which is likely to come back for its next message first
            if (broke != null || n < 0) {
                handBack = true;
                readerTurn.signal();
            }
            write = broke == null && n >= 0 && failure == null && engine.hasQueuedChunks();
        } finally {
            lock.unlock();
        }
        if (broke != null) {
            fail(broke);
        } else if (n < 0) {
            endOfInput();
        } else if (write) {
            kick(); // a grant or a pong the decoding queued: written by this thread, which reads no more
        } else if (n == 0 && Thread.currentThread().isInterrupted()) {
            throw new BrokenException("interrupted while waiting for a message", new InterruptedException());
        }
    }

    /** {@link #received}, with a failure returned instead of thrown (lock held). */
    private BrokenException decode(ByteBuffer input, boolean byWaiter) {
        try {
            received(input, byWaiter);
            return null;
        } catch (ProtocolViolationException e) {
            return new BrokenException(e.getMessage() + " (peer " + transport.description() + ")", e);
        } catch (RuntimeException e) {
            return new BrokenException("connection lost: " + e.getMessage(), e);
        }
    }

    /**
     * Lock held: a thread is about to wait without reading. If nobody holds the read role, the
     * reader thread takes it at once rather than after its grace.
     */
    void waiterEnters() {
        if (polled && leader == null && !handBack) {
            handBack = true;
            readerTurn.signal();
        }
    }

    /** For tests: the name of the thread holding the read role, empty while it is free or reads are not polled. */
    String readRoleHolder() {
        lock.lock();
        try {
            return leader == null ? "" : leader.getName();
        } finally {
            lock.unlock();
        }
    }

    /** For tests: whether the reader thread waits for a lead held through a whole grace to end. */
    boolean readerParked() {
        lock.lock();
        try {
            return readerParked;
        } finally {
            lock.unlock();
        }
    }

    /** The reader thread of a polled session: reads while no waiting thread does. */
    private void pollLoop() {
        long seen = 0;
        boolean yielded = false;
        try {
            while (true) {
                lock.lock();
                try {
                    while (failure == null && !(leader == null && (handBack || (!yielded && seen == leads)))) {
                        if (leader != null && !yielded && seen == leads) {
                            // one lead held for a whole grace: the peer is quiet. Looking every
                            // grace would wake this thread a thousand times a second for nothing
                            readerParked = true;
                            try {
                                readerTurn.await();
                            } finally {
                                readerParked = false;
                            }
                            yielded = true; // the grace starts now (a thread that waits without reading cuts it short)
                            continue;
                        }
                        seen = leads;
                        yielded = false;
                        readerTurn.awaitNanos(GRACE_NANOS);
                    }
                    if (failure != null) {
                        return;
                    }
                    leader = readerThread;
                    handBack = false;
                } finally {
                    lock.unlock();
                }
                while (true) {
                    int n = transport.poll(roleBuffer.clear(), Long.MAX_VALUE);
                    if (n < 0) {
                        endOfInput();
                        return;
                    }
                    lock.lock();
                    try {
                        if (n > 0) {
                            received(roleBuffer.flip(), false);
                        }
                        if (stepAside || failure != null) {
                            stepAside = false;
                            leader = null;
                            yielded = true;
                            seen = leads;
                            for (End e : List.copyOf(waiting)) {
                                e.signal(); // the thread that asked takes the role
                            }
                            break;
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (ProtocolViolationException e) {
            fail(new BrokenException(e.getMessage() + " (peer " + transport.description() + ")", e));
        } catch (InterruptedException e) {
            fail(new BrokenException("the reader thread was interrupted", e));
        } catch (RuntimeException e) {
            fail(new BrokenException("connection lost: " + e.getMessage(), e));
        }
    }

    /** The transport ended: tells the engine (end of input) and fails the session. */
    private void endOfInput() {
        lock.lock();
        try {
            if (failure == null) {
                engine.endOfInput();
            }
        } finally {
            lock.unlock();
        }
        fail(new BrokenException("connection lost: " + transport.description() + " ended"));
    }

    // ------------------------------------------------------------------ reading

    private void readLoop(ByteBuffer leftover) {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024); // a heap buffer costs a copy per read
        try {
            if (leftover.hasRemaining()) {
                received(leftover, false);
            }
            while (true) {
                buf.clear();
                int n = transport.read(buf);
                if (n < 0) {
                    endOfInput();
                    return;
                }
                received(buf.flip(), false);
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

    /**
     * Decodes a read. {@code byWaiter}: a thread that waits in a receive read it; it writes what the
     * decoding queued itself once it let go of the read role, so the writer thread is not woken.
     */
    private void received(ByteBuffer input, boolean byWaiter) {
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
            if (!byWaiter && engine.hasQueuedChunks()) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }
}
