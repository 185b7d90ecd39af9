package io.minbus.wire;

import java.nio.ByteBuffer;

/**
 * Canonical VarU64 (docs/protocol.md §2): values 0..247 are one byte; otherwise a first byte 248..255
 * says that 1..8 big-endian bytes follow. Values are unsigned 64-bit integers held in a {@code long}.
 */
public final class VarU64 {
    private VarU64() {}

    /** The number of bytes the canonical encoding of {@code value} (unsigned) takes: 1 to 9. */
    public static int size(long value) {
        if (value >= 0 && value < 248) {
            return 1;
        }
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return 1 + (bits + 7) / 8;
    }

    /** Writes the canonical encoding of {@code value} (unsigned) at the buffer's position. */
    public static void write(ByteBuffer dst, long value) {
        if (value >= 0 && value < 248) {
            dst.put((byte) value);
            return;
        }
        int n = size(value) - 1;
        dst.put((byte) (247 + n));
        for (int i = n - 1; i >= 0; i--) {
            dst.put((byte) (value >>> (8 * i)));
        }
    }

    /** The encoded length implied by a first byte: 1 to 9. */
    public static int sizeFromFirstByte(int firstByte) {
        int b = firstByte & 0xff;
        return b < 248 ? 1 : b - 246;
    }

    /**
     * Reads a VarU64 at absolute index {@code at} without moving the position. The caller must have
     * checked that {@link #sizeFromFirstByte} bytes are available.
     *
     * @throws ProtocolViolationException {@link Violation#NON_CANONICAL_VARU64} for a non-shortest form
     */
    public static long readAt(ByteBuffer src, int at) {
        int first = src.get(at) & 0xff;
        if (first < 248) {
            return first;
        }
        int n = first - 247;
        long value = 0;
        for (int i = 1; i <= n; i++) {
            value = (value << 8) | (src.get(at + i) & 0xff);
        }
        if (size(value) != n + 1) {
            throw new ProtocolViolationException(Violation.NON_CANONICAL_VARU64,
                    "the value " + Long.toUnsignedString(value) + " was encoded in " + (n + 1)
                            + " bytes instead of " + size(value));
        }
        return value;
    }

    /** Reads a whole VarU64 at the position and advances past it; the bytes must all be there. */
    public static long read(ByteBuffer src) {
        int len = sizeFromFirstByte(src.get(src.position()));
        if (src.remaining() < len) {
            throw new ProtocolViolationException(Violation.TRUNCATED,
                    "the input ends inside a VarU64 (" + src.remaining() + " of " + len + " bytes)");
        }
        long v = readAt(src, src.position());
        src.position(src.position() + len);
        return v;
    }
}
