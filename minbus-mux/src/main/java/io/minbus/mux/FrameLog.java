package io.minbus.mux;

import io.minbus.transport.internal.logging.LazyLogger;
import io.minbus.wire.Chunk;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one-line frame log (docs/protocol.md §5): every chunk sent ({@code >>}) and received
 * ({@code <<}) at DEBUG on the logger {@value #LOGGER_NAME}, e.g. {@code bus >> out-sink#0 payload(2)}.
 *
 * <p>It is on when minbus's debug logging is ({@link LazyLogger}: {@code -Dminbus.debug=true}, or a
 * {@code java.util.logging} configuration given to the JVM) and the logger is at DEBUG. With debug
 * logging off, {@link #enabled()} is a constant false: no chunk asks the logging backend anything,
 * and a session never starts it.
 */
final class FrameLog {
    static final String LOGGER_NAME = "minbus.mux.frames";
    private static final Logger LOG = LazyLogger.of(LOGGER_NAME);
    /** Read once: with debug logging off the frame log cannot be on, and nothing is asked per chunk. */
    private static final boolean POSSIBLE = LazyLogger.debugOn();

    private final String prefix;

    FrameLog(String name) {
        this.prefix = name.isEmpty() ? "" : name + " ";
    }

    boolean enabled() {
        return POSSIBLE && LOG.isLoggable(Level.DEBUG);
    }

    void sent(Chunk chunk) {
        LOG.log(Level.DEBUG, line(prefix, true, chunk));
    }

    void received(Chunk chunk) {
        LOG.log(Level.DEBUG, line(prefix, false, chunk));
    }

    /** The line for one chunk: the prefix (a name and a space, or nothing), the direction and the chunk. */
    static String line(String prefix, boolean sent, Chunk chunk) {
        return prefix + (sent ? ">> " : "<< ") + chunk;
    }
}
