package io.minbus.mux;

import java.io.Serial;

/**
 * A command would exceed a limit the peer declared in its preamble (docs/protocol.md §10: too many
 * open entities, an opening or end payload longer than its {@code max_frame}, a message longer than
 * its {@code max_message}). Refused locally; nothing was sent and the connection is unaffected.
 */
public final class MuxLimitException extends MuxException {
    @Serial private static final long serialVersionUID = 1L;

    public MuxLimitException(String message) {
        super(message);
    }
}
