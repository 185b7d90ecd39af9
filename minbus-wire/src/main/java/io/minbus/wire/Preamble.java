package io.minbus.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The connection preamble each endpoint sends first (docs/protocol.md §3):
 *
 * <pre>
 *  offset 0  6 bytes  magic "minbus" (6d 69 6e 62 75 73)
 *  offset 6  u8       lowest version
 *  offset 7  u8       highest version
 *  version 1:         VarU64 max_frame, VarU64 max_message, VarU64 max_entities
 * </pre>
 *
 * @param lowest  the lowest protocol version spoken
 * @param highest the highest protocol version spoken
 * @param limits  the limits declared for the peer
 */
public record Preamble(int lowest, int highest, Limits limits) {
    /** The 6 magic bytes. */
    static final byte[] MAGIC = "minbus".getBytes(StandardCharsets.US_ASCII);
    /** Offset of the lowest-version byte. */
    static final int LOWEST_OFFSET = 6;
    /** Offset of the highest-version byte; the fixed part ends after it. */
    static final int HIGHEST_OFFSET = 7;
    /** The protocol version this implementation speaks. */
    public static final int VERSION = 1;

    public Preamble {
        if (lowest < 0 || highest > 255 || lowest > highest) {
            throw new IllegalArgumentException("bad version range " + lowest + " to " + highest);
        }
    }

    /** Our preamble: version 1 only, with the given limits. */
    public static Preamble ours(Limits limits) {
        return new Preamble(VERSION, VERSION, limits);
    }

    /** The bytes to send, flipped for reading. */
    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(8 + 27);
        b.put(MAGIC).put((byte) lowest).put((byte) highest);
        VarU64.write(b, limits.maxFrame());
        VarU64.write(b, limits.maxMessage());
        VarU64.write(b, limits.maxEntities());
        return b.flip();
    }

    /**
     * The version two ranges agree on: the highest version both speak.
     *
     * @throws ProtocolViolationException {@link Violation#PREAMBLE_VERSION} when they have none in common
     */
    public static int negotiate(int ourLowest, int ourHighest, int theirLowest, int theirHighest) {
        if (theirLowest > theirHighest) {
            throw new ProtocolViolationException(Violation.PREAMBLE_VERSION,
                    "the peer declared the empty version range " + theirLowest + " to " + theirHighest);
        }
        int lo = Math.max(ourLowest, theirLowest);
        int hi = Math.min(ourHighest, theirHighest);
        if (lo > hi) {
            throw new ProtocolViolationException(Violation.PREAMBLE_VERSION,
                    "minbus protocol " + range(ourLowest, ourHighest) + " expected, peer speaks "
                            + range(theirLowest, theirHighest) + "; upgrade the older side");
        }
        return hi;
    }

    private static String range(int lo, int hi) {
        return lo == hi ? Integer.toString(lo) : lo + " to " + hi;
    }
}
