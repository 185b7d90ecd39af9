package io.minbus.identity.internal;

/**
 * Constants of box-stream (npm {@code pull-box-stream}), the framing of each direction after the
 * secret handshake. A direction is a sequence of boxes, then a goodbye:
 *
 * <pre>
 * box      header MAC (16) | secretbox_{N}(body length (2, big-endian) | body MAC (16))   34 bytes
 *          secretbox_{N+1}(body), its MAC kept in the header, only the ciphertext sent  1..4096 bytes
 * goodbye  header MAC (16) | secretbox_{N}(18 zero bytes)                              34 bytes
 * </pre>
 *
 * {@code N} starts at the initial nonce from the handshake and grows by 2 per box (big-endian,
 * 24 bytes, wrapping), so box {@code P} uses {@code N0 + 2P} for its header and {@code N0 + 2P + 1}
 * for its body.
 */
public final class BoxStream {

    /** Largest body of one box; longer writes are split. */
    public static final int MAX_BODY_BYTES = 4096;
    /** Length of a length field in a header. */
    static final int LENGTH_BYTES = 2;
    /** Length of a header's plaintext: body length and body MAC. */
    static final int HEADER_PLAINTEXT_BYTES = LENGTH_BYTES + SecretBox.MAC_BYTES;
    /** Length of an encrypted header (and of the goodbye). */
    public static final int HEADER_BYTES = SecretBox.MAC_BYTES + HEADER_PLAINTEXT_BYTES;
    /** Length of the largest box on the wire. */
    public static final int MAX_BOX_BYTES = HEADER_BYTES + MAX_BODY_BYTES;

    private BoxStream() {}
}
