package io.minbus.mux;

import java.time.Duration;

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

    End(SessionCore core, Half half) {
        this.core = core;
        this.half = half;
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
                        core.changed.signalAll();
                    }
                    return false;
                }
                left = core.changed.awaitNanos(left);
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
