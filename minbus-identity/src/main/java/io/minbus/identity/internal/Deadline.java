package io.minbus.identity.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an action (typically closing a transport, which unblocks its I/O) unless disarmed in time.
 * One shared daemon thread serves all deadlines.
 */
public final class Deadline {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static final int ARMED = 0;
    private static final int DISARMED = 1;
    private static final int FIRED = 2;

    private final AtomicInteger state = new AtomicInteger(ARMED);
    private final ScheduledFuture<?> task;

    private Deadline(Duration timeout, Runnable onExpiry) {
        this.task = TIMER.schedule(() -> {
            if (state.compareAndSet(ARMED, FIRED)) {
                onExpiry.run();
            }
        }, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code onExpiry} on the timer thread after {@code timeout}, unless disarmed first. */
    public static Deadline arm(Duration timeout, Runnable onExpiry) {
        return new Deadline(timeout, onExpiry);
    }

    /** Cancels the action; true if it had not started (and now never will). Idempotent. */
    public boolean disarm() {
        boolean disarmed = state.compareAndSet(ARMED, DISARMED) || state.get() == DISARMED;
        task.cancel(false);
        return disarmed;
    }

    /** Whether the action ran (or is running). */
    public boolean fired() {
        return state.get() == FIRED;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "minbus-identity-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
