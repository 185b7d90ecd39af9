package io.minbus.host;

import java.time.Duration;
import java.util.Objects;

/**
 * When the host starts a plugin again after its process ended on its own (never after the host
 * stopped it), and how long it waits first.
 *
 * <p>Back-off: before the n-th consecutive restart the host waits {@code min(maxBackoff,
 * initialBackoff * 2^(n-1))}: with the defaults 500ms, 1s, 2s, 4s, ... up to 30s. The count of
 * consecutive restarts goes back to zero when an attempt stayed ready (RUNNING) for at least {@code
 * resetAfter} (default 60s) before it ended.
 *
 * @param mode when to restart
 * @param initialBackoff the wait before the first restart of a series (default 500ms)
 * @param maxBackoff the longest wait (default 30s)
 * @param resetAfter how long an attempt must have been ready for the series to start over (default 60s)
 */
public record RestartPolicy(Mode mode, Duration initialBackoff, Duration maxBackoff, Duration resetAfter) {

    /** Default wait before the first restart of a series. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    /** Default longest wait between restarts. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    /** Default time an attempt must stay ready for the back-off to start over. */
    public static final Duration DEFAULT_RESET_AFTER = Duration.ofSeconds(60);

    /** When to restart. */
    public enum Mode {
        /** Never restart (the default). */
        NEVER,
        /**
         * Restart when the process failed: exited with a non-zero code or was killed by a signal,
         * exited before becoming ready, missed its start timeout, or its readiness hook failed.
         * Exit code 0 ends supervision.
         */
        ON_FAILURE,
        /** Restart whenever the process ends on its own, exit code 0 included. */
        ALWAYS
    }

    /** Checks the arguments. */
    public RestartPolicy {
        Objects.requireNonNull(mode, "mode");
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        Objects.requireNonNull(resetAfter, "resetAfter");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
        }
    }

    /** Never restart. */
    public static RestartPolicy never() {
        return of(Mode.NEVER);
    }

    /** Restart after failures, with the default back-off. */
    public static RestartPolicy onFailure() {
        return of(Mode.ON_FAILURE);
    }

    /** Restart whenever the process ends on its own, with the default back-off. */
    public static RestartPolicy always() {
        return of(Mode.ALWAYS);
    }

    /** The given mode with the default back-off. */
    public static RestartPolicy of(Mode mode) {
        return new RestartPolicy(mode, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_RESET_AFTER);
    }

    /** This policy with another back-off. */
    public RestartPolicy withBackoff(Duration initial, Duration max, Duration resetAfter) {
        return new RestartPolicy(mode, initial, max, resetAfter);
    }

    /**
     * The wait before a restart.
     *
     * @param consecutive which consecutive restart this is, from 1
     * @return {@code min(maxBackoff, initialBackoff * 2^(consecutive-1))}
     */
    public Duration delayBefore(int consecutive) {
        if (consecutive < 1) {
            throw new IllegalArgumentException("consecutive must be at least 1: " + consecutive);
        }
        Duration d = initialBackoff;
        for (int i = 1; i < consecutive && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /**
     * Whether an ended attempt is restarted.
     *
     * @param failed true if the attempt failed (see {@link Mode#ON_FAILURE})
     */
    public boolean restarts(boolean failed) {
        return switch (mode) {
            case NEVER -> false;
            case ON_FAILURE -> failed;
            case ALWAYS -> true;
        };
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
    }
}
