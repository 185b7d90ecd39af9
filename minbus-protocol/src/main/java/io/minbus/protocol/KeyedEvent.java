package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * An event on a keyed connection stream (docs/minbus.md §18.8): a connection-stream event (§7)
 * followed by the key the plugin proved.
 *
 * <pre>
 *  offset  size  field
 *  0       1     kind     00 = joined, 01 = left
 *  1       3+n   tuple    the plugin
 *  4+n     1     flag     00 = no key, 01 = key follows
 *  5+n     32    key      if flag 01: the plugin's proven ed25519 public key
 * </pre>
 *
 * <p>Decoding is tolerant of trailing bytes (it comes from the server); a flag other than 00/01 or a
 * cut-short key is malformed.
 *
 * @param kind   joined or left
 * @param plugin the plugin concerned
 * @param key    standard base64 of its 32-byte key, if it proved one
 */
public record KeyedEvent(Event.Kind kind, PluginInfo plugin, Optional<String> key) {
    private static final String WHAT = "keyed connection-stream event";
    private static final String SECTION = "18.8";

    public KeyedEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(key, "key");
        key.ifPresent(KeyedEvent::checkKey);
    }

    static void checkKey(String base64) {
        if (Base64.getDecoder().decode(base64).length != IncomingConnection.KEY_BYTES) {
            throw new IllegalArgumentException("a key has 32 bytes");
        }
    }

    /** The message bytes. */
    public ByteBuffer encode() {
        byte[] name = Names.utf8(plugin.name(), false);
        byte[] k = key.map(b -> Base64.getDecoder().decode(b)).orElse(new byte[0]);
        return new PayloadWriter(5 + name.length + k.length).u8(kind.wire()).tuple(name, plugin.version())
                .u8(key.isPresent() ? 1 : 0).bytes(k).done();
    }

    /**
     * Decodes an event tolerantly.
     *
     * @throws MalformedPayloadException on an unknown kind or flag, a cut-short or nameless tuple, a cut-short key
     */
    public static KeyedEvent decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        int kind = in.u8("kind");
        if (kind > Event.Kind.LEFT.wire()) {
            throw in.fail(String.format("kind %02x is neither 00 (joined) nor 01 (left)", kind));
        }
        PayloadReader.Tuple t = in.tuple(false);
        return new KeyedEvent(Event.Kind.values()[kind], new PluginInfo(t.name(), t.version()),
                KeyedPluginList.readKey(in));
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + plugin + key.map(k -> " key " + k).orElse("");
    }
}
