package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

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
 * </pre>
 *
 * <p>Decoding is tolerant of trailing bytes (it comes from the server).
 *
 * @param initiator the initiator's registration
 */
public record IncomingConnection(Registration initiator) {
    private static final String WHAT = "incoming-connection";
    private static final String SECTION = "8.4";
    /** The kind byte of an incoming connection. */
    public static final int KIND = 0x00;
    /** Offset of the initiator's tuple. */
    public static final int TUPLE_OFFSET = 1;

    public IncomingConnection {
        Objects.requireNonNull(initiator, "initiator");
    }

    /** The opening payload. */
    public ByteBuffer encode() {
        ByteBuffer tuple = initiator.encode();
        return new PayloadWriter(1 + tuple.remaining()).u8(KIND).bytes(tuple).done();
    }

    /**
     * Decodes an incoming-connection payload tolerantly.
     *
     * @throws MalformedPayloadException on another kind or a cut-short tuple
     */
    public static IncomingConnection decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        int kind = in.u8("kind");
        if (kind != KIND) {
            throw in.fail(String.format("kind %02x is not 00 (incoming connection)", kind));
        }
        return new IncomingConnection(Registration.read(in));
    }

    @Override
    public String toString() {
        return "incoming " + initiator;
    }
}
