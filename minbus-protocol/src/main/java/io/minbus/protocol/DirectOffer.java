package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where and how to reach a target directly (docs/minbus.md §19.3, §19.4): the target's response to
 * a {@link DirectQuestion}, which the bus passes on as the response to the initiator's {@link
 * DirectRequest}.
 *
 * <pre>
 *  offset  size  field
 *  0       1     kind    00 = offer
 *  1       1     p       u8, path length (1..255)
 *  2       p     path    UTF-8: the absolute path of the target's direct Unix socket
 *  2+p     32    ticket  the one-time ticket ({@link Ticket})
 * </pre>
 *
 * <p>{@link #decode} is tolerant (the initiator reads it from the server); the server reads the
 * target's answer with {@link #decodeStrict}.
 *
 * @param path   the socket's path
 * @param ticket the ticket to present first on it
 */
public record DirectOffer(String path, Ticket ticket) {
    private static final String WHAT = "direct offer";
    private static final String SECTION = "19.3";
    /** The kind byte. */
    public static final int KIND = 0x00;
    /** The largest offer: kind, length, 255 bytes of path, the ticket. */
    public static final int MAX_BYTES = 2 + 255 + Ticket.BYTES;

    /** @throws IllegalArgumentException on an empty path or one longer than 255 bytes of UTF-8 */
    public DirectOffer {
        Objects.requireNonNull(ticket, "ticket");
        int n = path.getBytes(StandardCharsets.UTF_8).length;
        if (n == 0 || n > 255) {
            throw new IllegalArgumentException("a direct socket path has 1 to 255 bytes of UTF-8, not " + n);
        }
    }

    /** The response payload. */
    public ByteBuffer encode() {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        return new PayloadWriter(2 + p.length + Ticket.BYTES).u8(KIND).u8(p.length).bytes(p)
                .bytes(ticket.bytes()).done();
    }

    /**
     * Decodes tolerantly: bytes after the ticket are ignored.
     *
     * @throws MalformedPayloadException on another kind, an empty or non-UTF-8 path, a cut-short ticket
     */
    public static DirectOffer decode(ByteBuffer payload) {
        return read(new PayloadReader(WHAT, SECTION, payload));
    }

    /** Decodes strictly: nothing may follow the ticket. */
    public static DirectOffer decodeStrict(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        DirectOffer offer = read(in);
        in.end();
        return offer;
    }

    private static DirectOffer read(PayloadReader in) {
        in.kind(KIND, "offer");
        int p = in.u8("path length");
        if (p == 0) {
            throw in.fail("the path is empty");
        }
        String path = in.name(p);
        return new DirectOffer(path, Ticket.of(in.bytes(Ticket.BYTES, "ticket")));
    }

    @Override
    public String toString() {
        return "offer \"" + path + "\" " + ticket;
    }
}
