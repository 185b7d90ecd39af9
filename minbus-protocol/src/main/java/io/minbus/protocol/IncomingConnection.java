package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The opening payload of the duplex the server opens to a connect's target: who is connecting
 * (docs/minbus.md §8.4). A nameless initiator has the empty name and the version it registered.
 *
 * <pre>
 *  offset  size  field
 *  0       1     kind     00 = incoming connection
 *  1       1     n        u8, initiator's name length; 0 = nameless client
 *  2       n     name     UTF-8
 *  2+n     2     version  u16 big-endian
 *  4+n     32    key      optional (docs/minbus.md §18.5): the initiator's proven ed25519 public key
 * </pre>
 *
 * <p>Decoding is tolerant of trailing bytes (it comes from the server).
 *
 * @param initiator    the initiator's registration
 * @param initiatorKey the initiator's proven key (standard base64 of 32 bytes), when it proved one
 */
public record IncomingConnection(Registration initiator, Optional<String> initiatorKey) {
    private static final String WHAT = "incoming-connection";
    private static final String SECTION = "8.4";
    /** The kind byte of an incoming connection. */
    public static final int KIND = 0x00;
    /** Offset of the initiator's tuple. */
    public static final int TUPLE_OFFSET = 1;

    /** The size of the optional key. */
    public static final int KEY_BYTES = 32;

    public IncomingConnection {
        Objects.requireNonNull(initiator, "initiator");
        Objects.requireNonNull(initiatorKey, "initiatorKey");
        initiatorKey.ifPresent(k -> {
            if (Base64.getDecoder().decode(k).length != KEY_BYTES) {
                throw new IllegalArgumentException("an initiator key has 32 bytes");
            }
        });
    }

    /** An incoming connection without a key. */
    public IncomingConnection(Registration initiator) {
        this(initiator, Optional.empty());
    }

    /** The opening payload. */
    public ByteBuffer encode() {
        ByteBuffer tuple = new Registration(initiator.name(), initiator.version()).encode(); // the tuple only
        byte[] key = initiatorKey.map(k -> Base64.getDecoder().decode(k)).orElse(new byte[0]);
        return new PayloadWriter(1 + tuple.remaining() + key.length).u8(KIND).bytes(tuple).bytes(key).done();
    }

    /**
     * Decodes an incoming-connection payload tolerantly.
     *
     * @throws MalformedPayloadException on another kind or a cut-short tuple
     */
    public static IncomingConnection decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        in.kind(KIND, "incoming connection");
        Registration initiator = Registration.read(in);
        if (in.remaining() < KEY_BYTES) {
            return new IncomingConnection(initiator); // anything shorter is ignored, as any trailing bytes
        }
        byte[] key = in.bytes(KEY_BYTES, "key");
        return new IncomingConnection(initiator, Optional.of(Base64.getEncoder().encodeToString(key)));
    }

    @Override
    public String toString() {
        return "incoming " + initiator + initiatorKey.map(k -> " key " + k).orElse("");
    }
}
