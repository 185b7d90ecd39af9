package io.minbus.transport.internal.logging;

import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that asks {@link System#getLogger(String)} for its backend only when a
 * message is to be logged, so that a plugin whose start logs nothing never starts the logging
 * backend ({@code java.util.logging} by default: its {@code LogManager}, the {@code LoggerFinder}'s
 * service lookup and the configuration cost a JVM that has just started 3 ms of CPU with an AOT
 * cache on a quiet machine, 10-25 ms on a loaded one; docs/benchmarks.md).
 * Every logger of minbus's libraries is one of these: {@code static final System.Logger LOG =
 * LazyLogger.of("minbus.client")}.
 *
 * <p>Asking whether DEBUG is on would start the backend just as well, and minbus logs at DEBUG on
 * its success paths (a registration, every chunk in the frame log). So DEBUG and TRACE messages are
 * dropped, without asking the backend, unless <em>debug logging</em> is switched on; it is read
 * once, from system properties:
 * <ul>
 *   <li>{@value #DEBUG_PROPERTY}{@code =true} (or the property without a value): on;
 *       {@code =false}: off, whatever the backend's levels say;</li>
 *   <li>otherwise on when the JVM is given a {@code java.util.logging} configuration
 *       ({@code java.util.logging.config.file} or {@code java.util.logging.config.class}), the usual
 *       way to set a logger to DEBUG ({@code FINE}) without code, and off when it is not.</li>
 * </ul>
 * When it is on, DEBUG and TRACE go to the backend and its levels decide as usual. INFO and above
 * always do. The logger of the calling class is still the one a {@code java.util.logging} record
 * names: a {@code System.Logger} implementation's frames are skipped when the JDK infers the caller.
 */
public final class LazyLogger implements System.Logger {

    /** The system property that switches minbus's DEBUG and TRACE messages on or off (see above). */
    public static final String DEBUG_PROPERTY = "minbus.debug";

    private static final boolean DEBUG = debugSwitch(System.getProperty(DEBUG_PROPERTY),
            System.getProperty("java.util.logging.config.file"), System.getProperty("java.util.logging.config.class"));

    private final String name;
    private volatile System.Logger backend;

    private LazyLogger(String name) {
        this.name = name;
    }

    /** The logger named {@code name}; nothing is asked of the logging backend yet. */
    public static System.Logger of(String name) {
        return new LazyLogger(name);
    }

    /** Whether minbus's DEBUG and TRACE messages can be logged at all in this JVM (read once at start). */
    public static boolean debugOn() {
        return DEBUG;
    }

    /**
     * The debug switch from the values of {@value #DEBUG_PROPERTY}, {@code java.util.logging.config.file}
     * and {@code java.util.logging.config.class} (each null when unset).
     */
    static boolean debugSwitch(String property, String julConfigFile, String julConfigClass) {
        if (property != null) {
            return !property.strip().equalsIgnoreCase("false");
        }
        return julConfigFile != null || julConfigClass != null;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return passes(level) && backend().isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (passes(level)) {
            backend().log(level, bundle, msg, thrown);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (passes(level)) {
            backend().log(level, bundle, format, params);
        }
    }

    /** False for DEBUG, TRACE and ALL while debug logging is off; the backend decides the rest. */
    private static boolean passes(Level level) {
        return DEBUG || level.getSeverity() >= Level.INFO.getSeverity();
    }

    private System.Logger backend() {
        System.Logger b = backend;
        if (b == null) {
            b = System.getLogger(name); // a race asks twice and gets the same logger
            backend = b;
        }
        return b;
    }

    @Override
    public String toString() {
        return "LazyLogger[" + name + (backend == null ? ", not started]" : "]");
    }
}
