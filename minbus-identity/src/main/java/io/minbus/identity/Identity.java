package io.minbus.identity;

import io.minbus.identity.internal.Ed25519;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Who someone is on a bus: a 32-byte ed25519 public key, written as in Scuttlebutt, {@code
 * @BASE64.ed25519} (standard base64 with padding). Immutable; always a valid point on the curve.
 */
public final class Identity {

    /** Length of the key. */
    public static final int BYTES = 32;

    private static final String SIGIL = "@";
    private static final String SUFFIX = ".ed25519";

    private final byte[] key;

    private Identity(byte[] key) {
        this.key = key;
    }

    /**
     * The identity with this raw public key (copied).
     *
     * @throws IllegalArgumentException if it is not 32 bytes or not a point on the curve
     */
    public static Identity of(byte[] publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        if (publicKey.length != BYTES) {
            throw new IllegalArgumentException("an ed25519 public key has 32 bytes, not " + publicKey.length);
        }
        if (!Ed25519.isValidPublicKey(publicKey)) {
            throw new IllegalArgumentException("not an ed25519 public key: the bytes are no point on the curve");
        }
        return new Identity(publicKey.clone());
    }

    /**
     * Parses {@code @BASE64.ed25519}; the leading {@code @} may be left out, as in the {@code
     * public} field of a key file.
     *
     * @throws IllegalArgumentException saying what is wrong and showing the expected form
     */
    public static Identity parse(String text) {
        Objects.requireNonNull(text, "text");
        String body = text.startsWith(SIGIL) ? text.substring(SIGIL.length()) : text;
        if (!body.endsWith(SUFFIX)) {
            throw new IllegalArgumentException(
                    "an identity looks like @BASE64.ed25519 (44 base64 characters), not \"" + text + "\"");
        }
        return fromBase64(body.substring(0, body.length() - SUFFIX.length()));
    }

    /**
     * The identity whose key is {@code base64} (standard alphabet), the form in bus addresses
     * ({@code net:HOST:PORT~shs:BASE64}).
     *
     * @throws IllegalArgumentException if it is not base64 of a valid 32-byte key
     */
    public static Identity fromBase64(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an ed25519 public key in standard base64 expected, not \"" + base64 + "\"", e);
        }
        return of(bytes);
    }

    /** A copy of the 32-byte key. */
    public byte[] bytes() {
        return key.clone();
    }

    /** The key in standard base64 (44 characters), as in a bus address. */
    public String base64() {
        return Base64.getEncoder().encodeToString(key);
    }

    /** {@code @BASE64.ed25519}, which {@link #parse} reads back. */
    @Override
    public String toString() {
        return SIGIL + base64() + SUFFIX;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Identity that && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
