package io.minbus.mux;

import java.time.Duration;
import java.util.concurrent.locks.Condition;

/**
 * Session-side state shared by both kinds of half: heartbeat counters and the broken mark. All
 * fields are guarded by the core's lock.
 */
abstract sealed class End permits ReadEnd, WriteEnd {
    final SessionCore core;
    final Half half;
    long pingsSent;
    long pongs;
    /** Set when a ping on this half went unanswered in time. */
    String broken;
    /**
     * What the threads waiting on this half wait on (messages, credit, pongs, the end of another
     * thread's send). One condition per half, not one per session: with 64 calls in flight, a
     * session-wide signal woke all 64 waiters for every response.
     */
    private final Condition changed;
    private int waiters;

    End(SessionCore core, Half half) {
        this.core = core;
        this.half = half;
        this.changed = core.lock.newCondition();
    }

    /** Wakes the threads waiting on this half (lock held). */
    final void signal() {
        if (waiters > 0) {
            changed.signalAll();
        }
    }

    /** Waits for {@link #signal} or a session failure, at most {@code nanos} (lock held); returns the time left. */
    final long await(long nanos) throws InterruptedException {
        enter();
        try {
            return changed.awaitNanos(nanos);
        } finally {
            leave();
        }
    }

    /** Waits for {@link #signal} or a session failure, without a time limit (lock held). */
    final void await() throws InterruptedException {
        enter();
        try {
            changed.await();
        } finally {
            leave();
        }
    }

    private void enter() {
        core.waiterEnters(); // this thread does not read while it waits: somebody must
        if (waiters++ == 0) {
            core.waiting.add(this);
        }
    }

    private void leave() {
        if (--waiters == 0) {
            core.waiting.remove(this);
        }
    }

    /** Ends the half after an unanswered ping (lock held). */
    abstract void endAfterTimeout();

    /** Throws if the session failed or this half is broken (lock held). */
    void checkUsable() {
        core.checkOpen();
        if (broken != null) {
            throw new BrokenException(broken);
        }
    }

    /**
     * Pings this half and waits for the pong.
     *
     * @return true if the pong came in time; false if it did not (the half is then broken and ended)
     *     or the half has ended, so no ping can be answered
     */
    boolean ping(Duration timeout) {
        long ticket;
        core.lock.lock();
        try {
            checkUsable();
            if (half.isEndedByPeer() || !core.engine.ping(half)) {
                return false;
            }
            ticket = ++pingsSent;
        } finally {
            core.lock.unlock();
        }
        core.kick();
        core.lock.lock();
        try {
            long left = timeout.toNanos();
            while (pongs < ticket) {
                core.checkOpen();
                if (left <= 0) {
                    if (broken == null) {
                        broken = half + " is broken: no answer to a ping within " + timeout.toMillis() + " ms";
                        endAfterTimeout();
                        signal();
                    }
                    return false;
                }
                left = await(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokenException("interrupted while waiting for a pong on " + half, e);
        } finally {
            core.lock.unlock();
            core.kick();
        }
    }

    static long deadline(Duration timeout) {
        return System.nanoTime() + Math.max(0, timeout.toNanos());
    }
}
