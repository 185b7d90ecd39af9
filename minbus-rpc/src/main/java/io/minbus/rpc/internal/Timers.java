package io.minbus.rpc.internal;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The one timer thread of minbus-rpc (call and handshake timeouts) and its cleaner. */
final class Timers {

    /** Releases refs whose proxies were garbage-collected. */
    static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "minbus-rpc-cleaner");
        t.setDaemon(true);
        return t;
    });

    private static final ScheduledThreadPoolExecutor EXECUTOR = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "minbus-rpc-timer");
        t.setDaemon(true);
        return t;
    });

    static {
        EXECUTOR.setRemoveOnCancelPolicy(true);
    }

    private Timers() {}

    /** Runs {@code task} (which must not block) after {@code delay}. */
    static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return EXECUTOR.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
