package io.minbus.host;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 keys as the 32 raw bytes people paste (base64 in manifests and configuration), converted
 * to and from JDK keys. Signing is here for tools and tests; the host only verifies.
 */
public final class Ed25519Keys {

    /** X.509 SubjectPublicKeyInfo prefix of an Ed25519 key (OID 1.3.101.112), before the 32 raw bytes. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519Keys() {}

    /**
     * A JDK public key from its 32 raw bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a valid Ed25519 public key
     */
    public static PublicKey publicKey(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, got " + raw.length);
        }
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** A JDK public key from the base64 of its 32 raw bytes. */
    public static PublicKey publicKey(String base64) {
        return publicKey(Base64.getDecoder().decode(base64.strip()));
    }

    /** The 32 raw bytes of an Ed25519 public key. */
    public static byte[] raw(PublicKey key) {
        byte[] spki = key.getEncoded();
        boolean edwards = "Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm());
        if (!edwards || spki.length != SPKI_PREFIX.length + 32) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
    }

    /** Signs {@code data} with an Ed25519 private key (for tools that publish plugins, and tests). */
    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }
}
