package io.minbus.wire;

import java.nio.ByteBuffer;

/** Encodes chunks canonically (docs/protocol.md §5, §9). Pure and stateless. */
public final class ChunkWriter {
    private ChunkWriter() {}

    /** The number of bytes {@link #write} produces for {@code chunk}. */
    public static int size(Chunk chunk) {
        if (chunk.type() == ChunkType.PARTIAL) {
            return 1 + bigEndianSize(chunk.total());
        }
        int n = 1 + VarU64.size(chunk.id());
        if (chunk.has(Flags.PAYLOAD)) {
            n += VarU64.size(chunk.payload().remaining()) + chunk.payload().remaining();
        }
        if (chunk.has(Flags.CREDIT)) {
            n += VarU64.size(chunk.credit());
        }
        if (chunk.has(Flags.END)) {
            n += VarU64.size(chunk.end().remaining()) + chunk.end().remaining();
        }
        return n;
    }

    /**
     * Writes {@code chunk} at the position of {@code dst}, which must have {@link #size} bytes left.
     * The chunk's payload buffers are read without moving their positions.
     */
    public static void write(ByteBuffer dst, Chunk chunk) {
        if (chunk.type() == ChunkType.PARTIAL) {
            long total = chunk.total();
            int n = bigEndianSize(total);
            dst.put((byte) (0xe0 | (n - 1)));
            for (int i = n - 1; i >= 0; i--) {
                dst.put((byte) (total >>> (8 * i)));
            }
            return;
        }
        dst.put((byte) (chunk.type().bits() | chunk.flags()));
        VarU64.write(dst, chunk.id());
        if (chunk.has(Flags.PAYLOAD)) {
            VarU64.write(dst, chunk.payload().remaining());
            dst.put(chunk.payload().duplicate());
        }
        if (chunk.has(Flags.CREDIT)) {
            VarU64.write(dst, chunk.credit());
        }
        if (chunk.has(Flags.END)) {
            VarU64.write(dst, chunk.end().remaining());
            dst.put(chunk.end().duplicate());
        }
    }

    /** Encodes one chunk into a new buffer, flipped for reading. */
    public static ByteBuffer encode(Chunk chunk) {
        ByteBuffer b = ByteBuffer.allocate(size(chunk));
        write(b, chunk);
        return b.flip();
    }

    private static int bigEndianSize(long total) {
        int bits = 64 - Long.numberOfLeadingZeros(total);
        return Math.max(1, (bits + 7) / 8);
    }
}
