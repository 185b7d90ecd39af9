package io.minbus.identity.internal;

import io.minbus.identity.BoxStreamException;
import java.nio.ByteBuffer;

/**
 * Decrypts one direction of a box-stream (see {@link BoxStream}), push-style: {@link #decode}
 * takes what has arrived and consumes a header or a body only once all of it is there. Pure; not
 * thread-safe. The announced body length is checked against {@link BoxStream#MAX_BODY_BYTES}
 * before anything else happens.
 */
public final class BoxDecoder {

    /** {@link #decode} result: more input is needed. */
    public static final int NEED_MORE = -2;
    /** {@link #decode} result: the goodbye arrived; nothing follows. */
    public static final int END = -1;

    private final SecretBox secretBox = new SecretBox();
    private final byte[] key;
    private final byte[] nonce;
    private final byte[] header = new byte[BoxStream.HEADER_BYTES];
    private final byte[] headerPlaintext = new byte[BoxStream.HEADER_PLAINTEXT_BYTES];
    private final byte[] body = new byte[BoxStream.MAX_BODY_BYTES];
    private final String where;

    /** Length of the body whose header was read, or -1 while expecting a header. */
    private int bodyLength = -1;
    private boolean ended;
    private long boxes;
    private int plaintextLength;

    /**
     * @param key the 32-byte key (copied)
     * @param initialNonce the 24-byte initial nonce (copied)
     * @param where the connection, for messages
     */
    public BoxDecoder(byte[] key, byte[] initialNonce, String where) {
        if (key.length != SecretBox.KEY_BYTES || initialNonce.length != SecretBox.NONCE_BYTES) {
            throw new IllegalArgumentException("box-stream takes a 32-byte key and a 24-byte nonce");
        }
        this.key = key.clone();
        this.nonce = initialNonce.clone();
        this.where = where;
    }

    /**
     * Decodes from {@code in} (read mode), consuming only whole headers and bodies.
     *
     * @return the number of plaintext bytes now in {@link #plaintext()} (0 for an empty box), or
     *     {@link #NEED_MORE}, or {@link #END} once the goodbye has arrived (and ever after)
     * @throws BoxStreamException if a header or body does not authenticate or a header announces
     *     more than 4096 bytes
     */
    public int decode(ByteBuffer in) {
        if (ended) {
            return END;
        }
        if (bodyLength < 0) {
            if (in.remaining() < BoxStream.HEADER_BYTES) {
                return NEED_MORE;
            }
            in.get(header);
            if (!secretBox.openDetached(key, nonce, header, 0, header, SecretBox.MAC_BYTES,
                    BoxStream.HEADER_PLAINTEXT_BYTES, headerPlaintext, 0)) {
                throw new BoxStreamException("box-stream header " + boxes + " from " + where
                        + " does not authenticate: altered in transit, or not encrypted with this session's key");
            }
            Nonces.increment(nonce);
            if (isGoodbye()) {
                ended = true;
                return END;
            }
            int length = ((headerPlaintext[0] & 0xff) << 8) | (headerPlaintext[1] & 0xff);
            if (length > BoxStream.MAX_BODY_BYTES) {
                throw new BoxStreamException("box-stream header " + boxes + " from " + where + " announces "
                        + length + " body bytes, more than the 4096 allowed");
            }
            bodyLength = length;
        }
        if (in.remaining() < bodyLength) {
            return NEED_MORE;
        }
        in.get(body, 0, bodyLength);
        if (!secretBox.openDetached(key, nonce, headerPlaintext, BoxStream.LENGTH_BYTES, body, 0, bodyLength, body, 0)) {
            throw new BoxStreamException("box-stream body " + boxes + " from " + where
                    + " does not authenticate: altered in transit");
        }
        Nonces.increment(nonce);
        boxes++;
        int length = bodyLength;
        bodyLength = -1;
        plaintextLength = length;
        return length;
    }

    /** The plaintext of the box {@link #decode} returned last (valid until the next call). */
    public ByteBuffer plaintext() {
        return ByteBuffer.wrap(body, 0, plaintextLength);
    }

    private boolean isGoodbye() {
        for (byte b : headerPlaintext) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
