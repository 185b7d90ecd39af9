package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The response to a keyed connection query (docs/minbus.md §18.6), and the snapshot of a keyed
 * connection stream (§18.8): per plugin its tuple, a flag and, when the flag is {@code 01}, the
 * 32-byte ed25519 key the plugin proved.
 *
 * <pre>
 *  per entry:  tuple (3+n)  |  flag u8 (00 = no key, 01 = key follows)  |  key (32, if flag 01)
 * </pre>
 *
 * @param entries the plugins in registration order
 */
public record KeyedPluginList(List<Entry> entries) {
    private static final String WHAT = "keyed plugin list";
    private static final String SECTION = "18.6";
    /** The opening payload of a keyed connection query (§18.6). */
    public static final byte QUERY = 0x01;
    /** The opening payload of a keyed connection stream (§18.8). */
    public static final byte STREAM = 0x01;

    public KeyedPluginList {
        entries = List.copyOf(entries);
    }

    /**
     * One plugin and the key it proved.
     *
     * @param key standard base64 of the 32-byte key, if the plugin proved one
     */
    public record Entry(PluginInfo plugin, Optional<String> key) {
        public Entry {
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(key, "key");
            key.ifPresent(k -> {
                if (Base64.getDecoder().decode(k).length != IncomingConnection.KEY_BYTES) {
                    throw new IllegalArgumentException("a key has 32 bytes");
                }
            });
        }
    }

    /** The payload bytes. */
    public ByteBuffer encode() {
        List<byte[]> names = new ArrayList<>();
        int size = 0;
        for (Entry e : entries) {
            byte[] name = Names.utf8(e.plugin().name(), false);
            names.add(name);
            size += 3 + name.length + 1 + (e.key().isPresent() ? IncomingConnection.KEY_BYTES : 0);
        }
        PayloadWriter out = new PayloadWriter(size);
        for (int i = 0; i < names.size(); i++) {
            Entry e = entries.get(i);
            out.tuple(names.get(i), e.plugin().version());
            if (e.key().isPresent()) {
                out.u8(1).bytes(Base64.getDecoder().decode(e.key().get()));
            } else {
                out.u8(0);
            }
        }
        return out.done();
    }

    /**
     * Decodes strictly.
     *
     * @throws MalformedPayloadException on a cut-short entry, an empty name or a flag other than 00/01
     */
    public static KeyedPluginList decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        List<Entry> entries = new ArrayList<>();
        while (in.hasRemaining()) {
            PayloadReader.Tuple t = in.tuple(false);
            Optional<String> key = readKey(in);
            entries.add(new Entry(new PluginInfo(t.name(), t.version()), key));
        }
        return new KeyedPluginList(entries);
    }

    /** {@code flag u8 | key (32 bytes, if flag 01)}, as in every keyed payload of §18. */
    static Optional<String> readKey(PayloadReader in) {
        int flag = in.u8("key flag");
        return switch (flag) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(Base64.getEncoder().encodeToString(in.bytes(IncomingConnection.KEY_BYTES, "key")));
            default -> throw in.fail(String.format("key flag %02x is neither 00 nor 01", flag));
        };
    }
}
