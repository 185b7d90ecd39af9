package io.minbus.mux;

import io.minbus.transport.internal.logging.LazyLogger;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A half the session reads: received messages waiting for the application, reassembly of partial
 * payloads, and the credit refill of docs/protocol.md §13. The window bounds the bytes of complete
 * messages buffered plus the credit outstanding; a partial payload being reassembled is bounded by
 * max_message instead (§10), so its fragments are credited again as they arrive.
 */
final class ReadEnd extends End {
    private static final Logger LOG = LazyLogger.of("minbus.mux.session");

    private final ArrayDeque<ByteBuffer> messages = new ArrayDeque<>();
    /** messages.size(), readable without the lock: {@link #deliverTo} refuses at once while messages wait. */
    private volatile int waiting;
    /** Armed by {@link #deliverTo}: takes arriving messages on the reader thread; null otherwise. */
    private Predicate<ByteBuffer> taker;
    private long buffered;
    private ByteBuffer assembling;
    private ByteBuffer closedReason;
    private boolean cancelledByUs;

    ReadEnd(SessionCore core, Half half) {
        super(core, half);
    }

    /** Grants the first window (lock held). */
    void open() {
        maybeGrant();
    }

    // ------------------------------------------------------------- events (lock held)

    void onData(ByteBuffer fragment, long total, boolean first, boolean last) {
        boolean queued = false;
        if (first && last) {
            queued = arrived(copy(fragment));
        } else {
            if (first) {
                assembling = ByteBuffer.allocate((int) Math.min(total, 64 * 1024));
            }
            if (assembling.remaining() < fragment.remaining()) {
                long want = Math.max(assembling.capacity() * 2L, assembling.position() + (long) fragment.remaining());
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(total, want));
                bigger.put(assembling.flip());
                assembling = bigger;
            }
            assembling.put(fragment);
            if (last) {
                ByteBuffer whole = assembling.flip();
                assembling = null;
                queued = arrived(whole);
            }
        }
        maybeGrant();
        if (queued) {
            signal(); // a fragment of a message nobody can take yet, or a message the taker took, wakes nobody
        }
    }

    /** A whole message arrived: the armed taker may take it, else it waits for receive(); true if it waits. */
    private boolean arrived(ByteBuffer message) {
        Predicate<ByteBuffer> t = taker;
        if (t != null && !core.moreInputAtHand()) { // the last of what one read brought in: not a burst
            boolean taken;
            try {
                taken = t.test(message.duplicate());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the receiver armed on " + half + " failed; the message waits for receive() instead", e);
                taken = false;
            }
            if (taken) {
                return false;
            }
        }
        taker = null; // declined, or a burst: it and every later message wait for receive() until armed again
        messages.add(message);
        waiting = messages.size();
        buffered += message.remaining();
        return true;
    }

    /** See {@link Duplex#deliverTo}. */
    boolean deliverTo(Predicate<ByteBuffer> receiver) {
        if (waiting > 0) {
            return false; // the common case in a reader loop that arms before each receive: no lock
        }
        core.lock.lock();
        try {
            if (!messages.isEmpty() || closedReason != null || cancelledByUs || half.isEndedByUs()
                    || half.entity().isRemoved() || core.engine.isEnded()) {
                return false;
            }
            taker = receiver;
            return true;
        } finally {
            core.lock.unlock();
        }
    }

    void onClosed(ByteBuffer reason) {
        assembling = null; // a partial payload the writer aborted (docs/protocol.md §9)
        closedReason = reason;
        taker = null;
        signal();
    }

    private void maybeGrant() {
        if (half.isEndedByUs() || half.entity().isRemoved() || core.engine.isEnded()) {
            return;
        }
        long outstanding = core.engine.granted(half);
        long grantable = core.config.window() - buffered - outstanding;
        if (grantable > 0 && grantable >= outstanding) {
            core.engine.grant(half, grantable);
        }
    }

    // ------------------------------------------------------------- application side

    /**
     * The next message, waiting up to {@code deadline} (System.nanoTime based; Long.MAX_VALUE for ever).
     *
     * @return empty on timeout
     * @throws EndedException when the peer closed the half and every message was taken
     */
    Optional<ByteBuffer> receive(long deadline, boolean forever) {
        ByteBuffer m;
        boolean flushed = false;
        boolean write;
        core.lock.lock();
        try {
            while ((m = messages.poll()) == null) {
                if (closedReason != null) {
                    throw new EndedException("the peer closed " + half, closedReason.duplicate(), false);
                }
                checkUsable(); // a half the session ended after a missed pong is broken, not "cancelled"
                if (cancelledByUs) {
                    throw new IllegalStateException(half + " was cancelled by us");
                }
                if (!flushed && core.engine.hasQueuedChunks()) {
                    // messages sent without flush go out before we wait: their answer may be what we wait for
                    flushed = true;
                    core.lock.unlock();
                    try {
                        core.kick();
                    } finally {
                        core.lock.lock();
                    }
                    continue;
                }
                long left = forever ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                if (core.mayLead() && core.tryLead()) {
                    // leader/follower: this thread reads the transport itself, so its message needs no hand-off
                    core.lock.unlock();
                    try {
                        core.lead(forever ? Long.MAX_VALUE : deadline);
                    } finally {
                        core.lock.lock();
                    }
                    continue;
                }
                if (forever) {
                    await();
                } else {
                    await(left);
                }
            }
            waiting = messages.size();
            buffered -= m.remaining();
            maybeGrant();
            write = core.engine.hasQueuedChunks(); // a grant, or messages sent without flush
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokenException("interrupted while waiting for a message on " + half, e);
        } finally {
            core.lock.unlock();
        }
        if (write) {
            core.kick();
        }
        return Optional.of(m);
    }

    /** Whether a message is waiting. */
    boolean hasMessage() {
        core.lock.lock();
        try {
            return !messages.isEmpty();
        } finally {
            core.lock.unlock();
        }
    }

    void cancel(ByteBuffer reason) {
        core.lock.lock();
        try {
            core.checkOpen();
            if (!cancelledByUs) {
                cancelledByUs = true;
                taker = null;
                core.engine.cancel(half, reason);
                messages.clear();
                waiting = 0;
                buffered = 0;
                assembling = null;
                signal();
            }
        } finally {
            core.lock.unlock();
        }
        core.kick();
    }

    Optional<ByteBuffer> closedReason() {
        core.lock.lock();
        try {
            return Optional.ofNullable(closedReason).map(ByteBuffer::asReadOnlyBuffer);
        } finally {
            core.lock.unlock();
        }
    }

    @Override
    void endAfterTimeout() {
        if (!cancelledByUs && !half.isEndedByUs()) {
            cancelledByUs = true;
            taker = null;
            core.engine.cancel(half, ByteBuffer.allocate(0));
        }
    }

    static ByteBuffer copy(ByteBuffer src) {
        ByteBuffer b = ByteBuffer.allocate(src.remaining());
        b.put(src).flip();
        return b;
    }
}
