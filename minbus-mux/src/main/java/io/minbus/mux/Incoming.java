package io.minbus.mux;

import java.nio.ByteBuffer;

/**
 * Something the peer opened, as {@link Session#accept()} hands it out: a request to answer, or a
 * channel. Named from our side: the peer's sink is a {@link Stream} we read, the peer's stream is a
 * {@link Sink} we write.
 */
public sealed interface Incoming permits IncomingRequest, Sink, Stream, Duplex {
    /** The opening payload (for a request: the request itself); a fresh read-only view on each call. */
    ByteBuffer opening();
}
