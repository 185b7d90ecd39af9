package io.minbus.identity.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-256, SHA-512 and libsodium's {@code crypto_auth}: HMAC-SHA-512 truncated to its first 32
 * bytes (HMAC-SHA-512-256; not HMAC over SHA-512/256).
 */
public final class Hashes {

    /** Length of a {@link #auth} tag. */
    public static final int AUTH_BYTES = 32;

    private Hashes() {}

    /** SHA-256 of the concatenation of {@code parts}. */
    public static byte[] sha256(byte[]... parts) {
        MessageDigest digest = digest("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    /** SHA-512 of {@code data}. */
    public static byte[] sha512(byte[] data) {
        return digest("SHA-512").digest(data);
    }

    /** {@code crypto_auth(message, key)}: the first 32 bytes of HMAC-SHA-512. */
    public static byte[] auth(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(key, "HmacSHA512"));
            byte[] full = mac.doFinal(message);
            byte[] tag = new byte[AUTH_BYTES];
            System.arraycopy(full, 0, tag, 0, AUTH_BYTES);
            return tag;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is missing from this JDK", e);
        }
    }

    /** {@code crypto_auth_verify}, comparing in constant time. */
    public static boolean authVerify(byte[] key, byte[] message, byte[] tag) {
        return MessageDigest.isEqual(auth(key, message), tag);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }
}
