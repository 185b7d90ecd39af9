package io.minbus.wire;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Reads the peer's preamble (docs/protocol.md §3) from buffers of any fragmentation, consuming only
 * its bytes, so chunks that follow it in the same buffer stay there. Checks the magic byte by byte, so
 * a peer that is not minbus is recognised as early as possible.
 */
public final class PreambleReader {
    private final int ourLowest;
    private final int ourHighest;
    private final ByteBuffer seen = ByteBuffer.allocate(8 + 27);
    private Preamble result;
    private int version;

    /** A reader for a peer of an endpoint speaking versions {@code ourLowest..ourHighest}. */
    public PreambleReader(int ourLowest, int ourHighest) {
        this.ourLowest = ourLowest;
        this.ourHighest = ourHighest;
    }

    /** A reader for a peer of this implementation (version 1). */
    public PreambleReader() {
        this(Preamble.VERSION, Preamble.VERSION);
    }

    /**
     * Consumes preamble bytes from {@code src}; returns the peer's preamble once it is complete.
     *
     * @throws ProtocolViolationException for a wrong magic, no common version or bad limits
     */
    public Optional<Preamble> feed(ByteBuffer src) {
        while (result == null && src.hasRemaining()) {
            byte b = src.get();
            int at = seen.position();
            seen.put(b);
            if (at < Preamble.MAGIC.length && b != Preamble.MAGIC[at]) {
                while (src.hasRemaining() && seen.position() < 8) {
                    seen.put(src.get()); // only to show the peer's first bytes in the message
                }
                throw new ProtocolViolationException(Violation.PREAMBLE_MAGIC,
                        "the peer is not speaking minbus: its first bytes were " + printable(seen)
                                + " instead of \"minbus\"");
            }
            if (at == Preamble.HIGHEST_OFFSET) {
                version = Preamble.negotiate(ourLowest, ourHighest,
                        seen.get(Preamble.LOWEST_OFFSET) & 0xff, b & 0xff);
            }
            if (at > Preamble.HIGHEST_OFFSET) {
                tryLimits();
            }
        }
        return Optional.ofNullable(result);
    }

    /** The negotiated version, once the preamble is complete. */
    public int version() {
        if (result == null) {
            throw new IllegalStateException("the preamble is not complete yet");
        }
        return version;
    }

    /** @throws ProtocolViolationException {@link Violation#TRUNCATED} if the preamble was cut off */
    public void endOfInput() {
        if (result == null) {
            throw new ProtocolViolationException(Violation.TRUNCATED,
                    "the stream ended inside the preamble after " + seen.position() + " bytes");
        }
    }

    private void tryLimits() {
        long[] values = new long[3];
        int pos = Preamble.HIGHEST_OFFSET + 1;
        int end = seen.position();
        for (int i = 0; i < 3; i++) {
            if (pos >= end) {
                return;
            }
            int len = VarU64.sizeFromFirstByte(seen.get(pos));
            if (pos + len > end) {
                return;
            }
            values[i] = VarU64.readAt(seen, pos);
            pos += len;
        }
        String problem = Limits.problem(values[0], values[1], values[2]);
        if (problem != null) {
            throw new ProtocolViolationException(Violation.PREAMBLE_LIMITS, "the peer declared " + problem);
        }
        result = new Preamble(seen.get(Preamble.LOWEST_OFFSET) & 0xff, seen.get(Preamble.HIGHEST_OFFSET) & 0xff,
                new Limits(values[0], values[1], values[2]));
    }

    private static String printable(ByteBuffer seen) {
        StringBuilder text = new StringBuilder("\"");
        StringBuilder hex = new StringBuilder();
        boolean allPrintable = true;
        for (int i = 0; i < seen.position(); i++) {
            int c = seen.get(i) & 0xff;
            hex.append(String.format("%02x ", c));
            if (c >= 0x20 && c < 0x7f) {
                text.append((char) c);
            } else {
                allPrintable = false;
            }
        }
        return allPrintable ? text.append('"').toString() : hex.toString().trim();
    }
}
