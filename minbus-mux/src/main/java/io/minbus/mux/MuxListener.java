package io.minbus.mux;

import java.nio.ByteBuffer;

/**
 * What a {@link MuxEngine} reports while it decodes input. Called on the thread that calls
 * {@link MuxEngine#receive}; every method has an empty default. Buffers marked "view" are valid only
 * during the call; copy what you keep. Commands on the engine may be issued from inside a callback.
 */
public interface MuxListener {

    /** The peer opened an entity; {@code opening} is a copy of its opening payload (the request, for a request). */
    default void opened(Entity entity, ByteBuffer opening) {}

    /**
     * Data arrived on a half we read: a whole message ({@code first && last}) or a fragment of a
     * partial payload of {@code total} bytes (docs/protocol.md §9). For a request, the last piece
     * completes the response. Data the peer sent after we cancelled is not reported.
     *
     * @param fragment a view of the bytes
     * @param total    the length of the whole message
     */
    default void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {}

    /** The peer granted us {@code amount} more bytes of credit on a half we write (unsigned). */
    default void credit(Half half, long amount) {}

    /** The peer, the writer, closed a half we read (for a request: refused to respond); a copy of its end payload. */
    default void closed(Half half, ByteBuffer reason) {}

    /** The peer, the reader, cancelled a half we write; a copy of its end payload. */
    default void cancelled(Half half, ByteBuffer reason) {}

    /** The peer pinged a half; the engine has queued the pong already. */
    default void pinged(Half half) {}

    /** The pong for one of our pings on {@code half} arrived. */
    default void pong(Half half) {}

    /** The peer acknowledged our end (close, cancel or response) on {@code half}. */
    default void acked(Half half) {}

    /** All halves of the entity are done for us; it left the engine and its id may be reused (§8). */
    default void removed(Entity entity) {}

    /** The input ended (end of stream): the entity was still live and is now broken (§8). */
    default void broken(Entity entity) {}
}
