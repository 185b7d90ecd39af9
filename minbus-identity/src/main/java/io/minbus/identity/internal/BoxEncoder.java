package io.minbus.identity.internal;

import java.util.Arrays;

/**
 * Encrypts one direction of a box-stream (see {@link BoxStream}). Pure; not thread-safe (the
 * transport calls it under its write lock, so nonce order is wire order).
 */
public final class BoxEncoder {

    private final SecretBox secretBox = new SecretBox();
    private final byte[] key;
    private final byte[] nonce;
    private final byte[] bodyNonce = new byte[SecretBox.NONCE_BYTES];
    private final byte[] header = new byte[BoxStream.HEADER_PLAINTEXT_BYTES];

    /** Copies the 32-byte key and the 24-byte initial nonce. */
    public BoxEncoder(byte[] key, byte[] initialNonce) {
        if (key.length != SecretBox.KEY_BYTES || initialNonce.length != SecretBox.NONCE_BYTES) {
            throw new IllegalArgumentException("box-stream takes a 32-byte key and a 24-byte nonce");
        }
        this.key = key.clone();
        this.nonce = initialNonce.clone();
    }

    /**
     * Seals {@code length} bytes (1 to {@link BoxStream#MAX_BODY_BYTES}) of {@code plaintext} from
     * {@code offset} as one box into {@code out} at {@code outOffset}.
     *
     * @return the bytes written, {@code HEADER_BYTES + length}
     */
    public int seal(byte[] plaintext, int offset, int length, byte[] out, int outOffset) {
        if (length < 1 || length > BoxStream.MAX_BODY_BYTES) {
            throw new IllegalArgumentException("a box holds 1 to 4096 bytes, not " + length);
        }
        System.arraycopy(nonce, 0, bodyNonce, 0, nonce.length);
        Nonces.increment(bodyNonce);
        int bodyOffset = outOffset + BoxStream.HEADER_BYTES;
        secretBox.sealDetached(key, bodyNonce, plaintext, offset, length, out, bodyOffset, header, BoxStream.LENGTH_BYTES);
        header[0] = (byte) (length >>> 8);
        header[1] = (byte) length;
        sealHeader(out, outOffset);
        return BoxStream.HEADER_BYTES + length;
    }

    /** Writes the goodbye ({@link BoxStream#HEADER_BYTES} bytes) into {@code out} at {@code outOffset}. */
    public int goodbye(byte[] out, int outOffset) {
        Arrays.fill(header, (byte) 0);
        sealHeader(out, outOffset);
        return BoxStream.HEADER_BYTES;
    }

    private void sealHeader(byte[] out, int outOffset) {
        secretBox.sealDetached(key, nonce, header, 0, header.length, out, outOffset + SecretBox.MAC_BYTES, out, outOffset);
        Nonces.increment(nonce);
        Nonces.increment(nonce);
    }
}
