package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A connection-stream message after the snapshot: a named plugin registered or went away
 * (docs/minbus.md §7).
 *
 * <pre>
 *  offset  size  field
 *  0       1     kind     00 = joined, 01 = left
 *  1       1     n        u8, name length (1..255)
 *  2       n     name     UTF-8
 *  2+n     2     version  u16 big-endian
 * </pre>
 *
 * <p>Decoding is tolerant of trailing bytes (it comes from the server). A client that gets a
 * malformed event, for instance an unknown kind from a later server, reports and ignores it.
 *
 * @param kind   joined or left
 * @param plugin the plugin concerned
 */
public record Event(Kind kind, PluginInfo plugin) {
    private static final String WHAT = "connection-stream event";
    private static final String SECTION = "7";
    /** Offset of the kind byte. */
    public static final int KIND_OFFSET = 0;
    /** Offset of the tuple. */
    public static final int TUPLE_OFFSET = 1;

    /** What happened. */
    public enum Kind {
        /** {@code 00}: the plugin registered. */
        JOINED,
        /** {@code 01}: the plugin went away. */
        LEFT;

        /** The kind byte. */
        public int wire() {
            return ordinal();
        }
    }

    public Event {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plugin, "plugin");
    }

    /** {@code 00} + tuple. */
    public static Event joined(PluginInfo plugin) {
        return new Event(Kind.JOINED, plugin);
    }

    /** {@code 01} + tuple. */
    public static Event left(PluginInfo plugin) {
        return new Event(Kind.LEFT, plugin);
    }

    /** The message bytes. */
    public ByteBuffer encode() {
        byte[] name = Names.utf8(plugin.name(), false);
        return new PayloadWriter(4 + name.length).u8(kind.wire()).tuple(name, plugin.version()).done();
    }

    /**
     * Decodes an event tolerantly.
     *
     * @throws MalformedPayloadException on an unknown kind, a cut-short or nameless tuple
     */
    public static Event decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        int kind = in.u8("kind");
        if (kind > Kind.LEFT.wire()) {
            throw in.fail(String.format("kind %02x is neither 00 (joined) nor 01 (left)", kind));
        }
        PayloadReader.Tuple t = in.tuple(false);
        return new Event(Kind.values()[kind], new PluginInfo(t.name(), t.version()));
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + plugin;
    }
}
