package io.minbus.wire;

/**
 * The 3-bit type of a chunk's tag (docs/protocol.md §5). Types name the entity from the sender's
 * point of view: {@code OUT_*} = created by the sender, {@code IN_*} = created by the receiver;
 * {@code *_SINK} = the half the sender writes, {@code *_STREAM} = the half the sender reads.
 */
public enum ChunkType {
    OUT_REQUEST(0x00, "out-request"),
    IN_REQUEST(0x20, "in-request"),
    OUT_SINK(0x40, "out-sink"),
    IN_SINK(0x60, "in-sink"),
    OUT_STREAM(0x80, "out-stream"),
    IN_STREAM(0xa0, "in-stream"),
    DUPLEX(0xc0, "duplex"),
    PARTIAL(0xe0, "partial");

    private static final ChunkType[] BY_BITS = values();

    private final int bits;
    private final String label;

    ChunkType(int bits, String label) {
        this.bits = bits;
        this.label = label;
    }

    /** The type's bits in a tag byte ({@code tag & 0xe0}). */
    public int bits() {
        return bits;
    }

    /** The lower-case name used by the frame log, e.g. {@code "out-sink"}. */
    public String label() {
        return label;
    }

    /** The type of a tag byte. */
    public static ChunkType ofTag(int tag) {
        return BY_BITS[(tag & 0xe0) >>> 5];
    }

    /** True for the types whose sender created the entity (Out-Request, Out-Sink, Out-Stream, Duplex). */
    public boolean senderCreated() {
        return this == OUT_REQUEST || this == OUT_SINK || this == OUT_STREAM || this == DUPLEX;
    }

    /** True when the sender of a chunk of this type writes the addressed half (§6). */
    public boolean senderWrites() {
        return this == OUT_SINK || this == IN_SINK || this == IN_REQUEST;
    }

    /** True for request types. */
    public boolean isRequest() {
        return this == OUT_REQUEST || this == IN_REQUEST;
    }
}
