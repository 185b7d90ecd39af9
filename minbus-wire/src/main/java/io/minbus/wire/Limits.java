package io.minbus.wire;

/**
 * The limits an endpoint declares in its preamble; they bind the peer (docs/protocol.md §3, §10).
 *
 * @param maxFrame    the largest payload field accepted in one chunk (at least {@value #MIN_FRAME})
 * @param maxMessage  the largest Partial total accepted (at least {@code maxFrame})
 * @param maxEntities the most entities the peer may have open that it created (at least 0)
 */
public record Limits(long maxFrame, long maxMessage, long maxEntities) {
    /** The smallest {@code max_frame} an endpoint may declare. */
    public static final int MIN_FRAME = 1024;
    /** Our default {@code max_frame}: 256 KiB. */
    public static final int DEFAULT_FRAME = 256 * 1024;
    /** Our default {@code max_message}: 64 MiB. */
    public static final long DEFAULT_MESSAGE = 64L * 1024 * 1024;
    /** Our default {@code max_entities}. */
    public static final long DEFAULT_ENTITIES = 65536;

    public Limits {
        String problem = problem(maxFrame, maxMessage, maxEntities);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The defaults: 256 KiB frames, 64 MiB messages, 65536 entities. */
    public static Limits defaults() {
        return new Limits(DEFAULT_FRAME, DEFAULT_MESSAGE, DEFAULT_ENTITIES);
    }

    /** Copy with another {@code max_frame}. */
    public Limits withMaxFrame(long value) {
        return new Limits(value, Math.max(maxMessage, value), maxEntities);
    }

    /** Copy with another {@code max_message}. */
    public Limits withMaxMessage(long value) {
        return new Limits(maxFrame, value, maxEntities);
    }

    /** Copy with another {@code max_entities}. */
    public Limits withMaxEntities(long value) {
        return new Limits(maxFrame, maxMessage, value);
    }

    /** {@code maxFrame} as an int, capped at {@link Integer#MAX_VALUE} - 64 (unsigned values above are capped too). */
    public int maxFrameInt() {
        return (maxFrame < 0 || maxFrame > Integer.MAX_VALUE - 64) ? Integer.MAX_VALUE - 64 : (int) maxFrame;
    }

    static String problem(long maxFrame, long maxMessage, long maxEntities) {
        if (Long.compareUnsigned(maxFrame, MIN_FRAME) < 0) {
            return "max_frame " + Long.toUnsignedString(maxFrame) + " is below the minimum " + MIN_FRAME;
        }
        if (Long.compareUnsigned(maxMessage, maxFrame) < 0) {
            return "max_message " + Long.toUnsignedString(maxMessage) + " is below max_frame "
                    + Long.toUnsignedString(maxFrame);
        }
        return null;
    }
}
