package io.minbus.mux;

import io.minbus.wire.Chunk;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one-line frame log (docs/protocol.md §5): every chunk sent ({@code >>}) and received
 * ({@code <<}) at DEBUG on the logger {@value #LOGGER_NAME}, e.g. {@code bus >> out-sink#0 payload(2)}.
 */
final class FrameLog {
    static final String LOGGER_NAME = "minbus.mux.frames";
    private static final Logger LOG = System.getLogger(LOGGER_NAME);

    private final String prefix;

    FrameLog(String name) {
        this.prefix = name.isEmpty() ? "" : name + " ";
    }

    boolean enabled() {
        return LOG.isLoggable(Level.DEBUG);
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
