package io.minbus.identity.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) on raw 32-byte scalars and u-coordinates through the JDK's {@code XDH}: what
 * libsodium calls {@code crypto_scalarmult} and {@code crypto_scalarmult_base}.
 */
public final class X25519 {

    /** Length of scalars, u-coordinates and shared secrets. */
    public static final int KEY_BYTES = 32;

    private static final byte[] BASE_POINT = basePoint();

    private X25519() {}

    /** The public key (u-coordinate) of a secret scalar. */
    public static byte[] publicKey(byte[] scalar) {
        return sharedSecret(scalar, BASE_POINT);
    }

    /**
     * {@code scalar} times the point with u-coordinate {@code u} (its top bit ignored, as RFC 7748
     * says).
     *
     * @throws IllegalArgumentException if the result is the all-zero value, which happens when
     *     {@code u} is a point of small order (libsodium refuses these too)
     */
    public static byte[] sharedSecret(byte[] scalar, byte[] u) {
        if (scalar.length != KEY_BYTES || u.length != KEY_BYTES) {
            throw new IllegalArgumentException("X25519 takes 32-byte scalars and points");
        }
        byte[] masked = u.clone();
        masked[KEY_BYTES - 1] &= 0x7f;
        BigInteger coordinate = Bytes.littleEndian(masked);
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey privateKey = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            PublicKey publicKey = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, coordinate));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(privateKey);
            agreement.doPhase(publicKey, true);
            return agreement.generateSecret();
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalArgumentException("X25519 with a point of small order", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 (XDH) is missing from this JDK", e);
        }
    }

    private static byte[] basePoint() {
        byte[] u = new byte[KEY_BYTES];
        u[0] = 9;
        return u;
    }
}
