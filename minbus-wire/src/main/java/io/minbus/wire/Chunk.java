package io.minbus.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One decoded or to-be-encoded chunk (docs/protocol.md §5): a type, an id and flags with their
 * fields. A Partial chunk (§9) uses {@link #partial(long)}; its {@link #id()} is the total size.
 *
 * <pre>
 *  tag (1 byte: ttt PCGEA) | id (VarU64) | [payload: VarU64 len, bytes] | [credit: VarU64] | [end: VarU64 len, bytes]
 * </pre>
 *
 * <p>Payload buffers of a chunk produced by {@link ChunkReader} are views into the reader's input and
 * are valid only during the callback that receives the chunk; copy what you keep.
 *
 * @param type    the chunk type
 * @param id      the entity id, or the total size for {@link ChunkType#PARTIAL}
 * @param flags   the flag bits ({@link Flags}); 0 for Partial
 * @param payload the payload field, empty when {@link Flags#PAYLOAD} is not set
 * @param credit  the credit amount (unsigned), 0 when {@link Flags#CREDIT} is not set
 * @param end     the end payload, empty when {@link Flags#END} is not set
 */
public record Chunk(ChunkType type, long id, int flags, ByteBuffer payload, long credit, ByteBuffer end) {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    public Chunk {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(end, "end");
        if ((flags & ~Flags.ALL) != 0) {
            throw new IllegalArgumentException("flags out of range: " + flags);
        }
        if (type == ChunkType.PARTIAL && (flags != 0 || id == 0)) {
            throw new IllegalArgumentException("a Partial chunk has no flags and a total of at least 1");
        }
    }

    /** A chunk with only the given flags that carry no field (ping, ack, or none: a pong). */
    public static Chunk of(ChunkType type, long id, int flags) {
        return new Chunk(type, id, flags, EMPTY, 0, EMPTY);
    }

    /** A data (or opening) payload chunk. */
    public static Chunk payload(ChunkType type, long id, ByteBuffer payload) {
        return new Chunk(type, id, Flags.PAYLOAD, payload, 0, EMPTY);
    }

    /** A credit chunk. */
    public static Chunk credit(ChunkType type, long id, long credit) {
        return new Chunk(type, id, Flags.CREDIT, EMPTY, credit, EMPTY);
    }

    /** An end (close or cancel) chunk. */
    public static Chunk end(ChunkType type, long id, ByteBuffer endPayload) {
        return new Chunk(type, id, Flags.END, EMPTY, 0, endPayload);
    }

    /** A Partial chunk announcing a payload of {@code total} bytes (total is unsigned, at least 1). */
    public static Chunk partial(long total) {
        return new Chunk(ChunkType.PARTIAL, total, 0, EMPTY, 0, EMPTY);
    }

    /** An empty buffer, for building chunks without a field. */
    public static ByteBuffer empty() {
        return EMPTY;
    }

    /** True when all of the given flag bits are set. */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** The total size announced by a Partial chunk. */
    public long total() {
        if (type != ChunkType.PARTIAL) {
            throw new IllegalStateException("not a Partial chunk: " + this);
        }
        return id;
    }

    /** The frame-log form (docs/protocol.md §5), e.g. {@code out-sink#0 payload(2) credit(5)}. */
    @Override
    public String toString() {
        if (type == ChunkType.PARTIAL) {
            return "partial(" + Long.toUnsignedString(id) + ")";
        }
        StringBuilder sb = new StringBuilder(32).append(type.label()).append('#').append(Long.toUnsignedString(id));
        if (has(Flags.PAYLOAD)) {
            sb.append(" payload(").append(payload.remaining()).append(')');
        }
        if (has(Flags.CREDIT)) {
            sb.append(" credit(").append(Long.toUnsignedString(credit)).append(')');
        }
        if (has(Flags.PING)) {
            sb.append(" ping");
        }
        if (has(Flags.END)) {
            sb.append(" end(").append(end.remaining()).append(')');
        }
        if (has(Flags.ACK)) {
            sb.append(" ack");
        }
        return sb.toString();
    }
}
