package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The first bytes on a direct connection (docs/minbus.md §19.5), from the initiator to the target,
 * before the session's preamble (docs/protocol.md §3):
 *
 * <pre>
 *  offset  size  field
 *  0       8     magic    6d 62 64 69 72 65 63 74  ("mbdirect")
 *  8       1     version  01
 *  9       32    ticket   the ticket of the offer
 * </pre>
 *
 * <p>Exactly {@value #BYTES} bytes. The target answers with one byte, an {@link Answer}.
 *
 * @param ticket the ticket
 */
public record DirectPreamble(Ticket ticket) {
    private static final String WHAT = "direct preamble";
    private static final String SECTION = "19.5";
    /** "mbdirect" in ASCII. */
    public static final byte[] MAGIC = {0x6d, 0x62, 0x64, 0x69, 0x72, 0x65, 0x63, 0x74};
    /** The version byte. */
    public static final int VERSION = 0x01;
    /** The size of the preamble. */
    public static final int BYTES = MAGIC.length + 1 + Ticket.BYTES;

    public DirectPreamble {
        Objects.requireNonNull(ticket, "ticket");
    }

    /** The preamble's bytes. */
    public ByteBuffer encode() {
        return new PayloadWriter(BYTES).bytes(MAGIC).u8(VERSION).bytes(ticket.bytes()).done();
    }

    /**
     * Decodes strictly.
     *
     * @throws MalformedPayloadException on another magic or version, or another size
     */
    public static DirectPreamble decode(ByteBuffer bytes) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, bytes);
        if (!java.util.Arrays.equals(in.bytes(MAGIC.length, "magic"), MAGIC)) {
            throw in.fail("the magic is not \"mbdirect\"");
        }
        int version = in.u8("version");
        if (version != VERSION) {
            throw in.fail(String.format("version %02x is not 01", version));
        }
        Ticket ticket = Ticket.of(in.bytes(Ticket.BYTES, "ticket"));
        in.end();
        return new DirectPreamble(ticket);
    }

    @Override
    public String toString() {
        return "ticket-preamble " + ticket.base64();
    }

    /** The target's one-byte answer to the preamble. */
    public enum Answer {
        /** {@code 00}: the ticket is good; both sides now send their session preambles. */
        ACCEPTED,
        /** {@code 01}: unknown, used or expired ticket, or a malformed preamble; the target closes. */
        REFUSED,
        /** {@code 02}: the target has its most direct sessions open; it closes. */
        BUSY;

        /** The answer byte. */
        public ByteBuffer encode() {
            return ByteBuffer.wrap(new byte[] {(byte) ordinal()});
        }

        /**
         * Decodes the one answer byte.
         *
         * @throws MalformedPayloadException on another value or size
         */
        public static Answer decode(ByteBuffer bytes) {
            PayloadReader in = new PayloadReader("direct preamble answer", SECTION, bytes);
            int b = in.u8("answer");
            in.end();
            if (b >= values().length) {
                throw in.fail(String.format("answer %02x is none of 00, 01, 02", b));
            }
            return values()[b];
        }
    }
}
