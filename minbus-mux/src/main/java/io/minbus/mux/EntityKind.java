package io.minbus.mux;

/**
 * What an entity is (docs/protocol.md §4), named from its creator's point of view: a {@link #SINK}
 * is written by its creator, a {@link #STREAM} is read by its creator.
 */
public enum EntityKind {
    /** The top level: channel id 0, exists from the start, never removed; one half each way. */
    TOP("top"),
    /** A request: the opening payload is the request; one half, the response, written by the responder. */
    REQUEST("request"),
    /** A sink: one half, written by its creator. */
    SINK("sink"),
    /** A stream: one half, read by its creator. */
    STREAM("stream"),
    /** A duplex: one half each way. */
    DUPLEX("duplex");

    private final String label;

    EntityKind(String label) {
        this.label = label;
    }

    /** The lower-case name used in logs and in docs/protocol.md §12.4, e.g. {@code "duplex"}. */
    public String label() {
        return label;
    }

    /** Whether the creator of an entity of this kind writes a half of it. */
    boolean creatorWrites() {
        return this == SINK || this == DUPLEX || this == TOP;
    }

    /** Whether the creator of an entity of this kind reads a half of it. */
    boolean creatorReads() {
        return this == STREAM || this == DUPLEX || this == REQUEST || this == TOP;
    }
}
