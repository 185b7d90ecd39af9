package io.minbus.rpc.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs the first few warnings of one kind per endpoint at WARNING and the rest at DEBUG, so a
 * misbehaving peer cannot flood the log of the process it talks to.
 */
final class LogLimit {

    /** Warnings of one kind logged at WARNING per endpoint. */
    static final int WARNINGS = 10;

    private final String what;
    private final AtomicLong count = new AtomicLong();

    LogLimit(String what) {
        this.what = what;
    }

    /** Logs {@code message} (and {@code cause}, if not null) at WARNING, or at DEBUG once over the limit. */
    void warn(String message, Throwable cause) {
        long n = count.incrementAndGet();
        Level level = n <= WARNINGS ? Level.WARNING : Level.DEBUG;
        String text = n == WARNINGS ? message + " (further " + what + " of this endpoint are logged at DEBUG)" : message;
        if (cause == null) {
            Endpoint.LOG.log(level, text);
        } else {
            Endpoint.LOG.log(level, text, cause);
        }
    }
}
