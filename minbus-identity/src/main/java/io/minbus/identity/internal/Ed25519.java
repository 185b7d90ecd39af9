package io.minbus.identity.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519 (RFC 8032) on raw keys through the JDK, and the conversion of ed25519 keys to X25519
 * keys that libsodium offers as {@code crypto_sign_ed25519_pk_to_curve25519} and {@code
 * crypto_sign_ed25519_sk_to_curve25519} and the JDK lacks.
 *
 * <p>Public key conversion is the birational map from the twisted Edwards curve to Montgomery
 * form: {@code u = (1 + y) / (1 - y) mod p}, with {@code y} the Edwards coordinate encoded in the
 * public key. Secret key conversion is the first half of SHA-512 of the 32-byte seed, clamped as
 * X25519 does: exactly the scalar ed25519 itself signs with.
 */
public final class Ed25519 {

    /** Length of a public key and of a seed. */
    public static final int KEY_BYTES = 32;
    /** Length of a detached signature. */
    public static final int SIGNATURE_BYTES = 64;

    /** p = 2^255 - 19. */
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** d = -121665 / 121666 mod p, the Edwards curve constant. */
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P))
            .mod(P);
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112). */
    private static final byte[] X509_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    private Ed25519() {}

    /** The public key of a 32-byte seed (the RFC 8032 private key). */
    public static byte[] publicKey(byte[] seed) {
        requireLength(seed, KEY_BYTES, "seed");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            // The JDK derives the key pair from the 32 bytes its random source hands out.
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            byte[] encoded = generator.generateKeyPair().getPublic().getEncoded();
            return Bytes.slice(encoded, X509_PREFIX.length, KEY_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }

    /** The JDK private key for a seed, for {@link #sign}. */
    public static PrivateKey privateKey(byte[] seed) {
        requireLength(seed, KEY_BYTES, "seed");
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }

    /** A detached signature of {@code message}. */
    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Whether {@code signature} is a valid signature of {@code message} by {@code publicKey}. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Bytes.concat(X509_PREFIX, publicKey)));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // not a point on the curve, or a malformed signature
        }
    }

    /**
     * Whether {@code publicKey} encodes a point on the curve: a canonical {@code y} below p for
     * which {@code x} exists, and not the neutral element (whose conversion is undefined).
     */
    public static boolean isValidPublicKey(byte[] publicKey) {
        return publicKey.length == KEY_BYTES && edwardsY(publicKey) != null;
    }

    /**
     * The X25519 public key (u-coordinate) of an ed25519 public key.
     *
     * @throws IllegalArgumentException if {@code publicKey} is not {@link #isValidPublicKey valid}
     */
    public static byte[] toX25519PublicKey(byte[] publicKey) {
        BigInteger y = publicKey.length == KEY_BYTES ? edwardsY(publicKey) : null;
        if (y == null) {
            throw new IllegalArgumentException("not an ed25519 public key (no point on the curve)");
        }
        BigInteger u = BigInteger.ONE.add(y).multiply(BigInteger.ONE.subtract(y).mod(P).modInverse(P)).mod(P);
        return Bytes.littleEndian(u, X25519.KEY_BYTES);
    }

    /** The X25519 secret scalar of an ed25519 seed: SHA-512(seed)[0..32], clamped. */
    public static byte[] toX25519SecretKey(byte[] seed) {
        requireLength(seed, KEY_BYTES, "seed");
        byte[] hash = Hashes.sha512(seed);
        byte[] scalar = Bytes.slice(hash, 0, X25519.KEY_BYTES);
        Bytes.wipe(hash);
        scalar[0] &= (byte) 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        return scalar;
    }

    /** The y-coordinate of a valid encoded point, or null. */
    private static BigInteger edwardsY(byte[] encoded) {
        byte[] copy = encoded.clone();
        boolean xOdd = (copy[KEY_BYTES - 1] & 0x80) != 0;
        copy[KEY_BYTES - 1] &= 0x7f;
        BigInteger y = Bytes.littleEndian(copy);
        if (y.compareTo(P) >= 0 || y.equals(BigInteger.ONE)) {
            return null;
        }
        // x^2 = (y^2 - 1) / (d y^2 + 1); a point exists iff that is a square mod p.
        BigInteger ySquared = y.multiply(y).mod(P);
        BigInteger numerator = ySquared.subtract(BigInteger.ONE).mod(P);
        BigInteger denominator = D.multiply(ySquared).add(BigInteger.ONE).mod(P);
        BigInteger xSquared = numerator.multiply(denominator.modInverse(P)).mod(P);
        if (xSquared.signum() == 0) {
            return xOdd ? null : y;
        }
        BigInteger euler = xSquared.modPow(P.subtract(BigInteger.ONE).shiftRight(1), P);
        return euler.equals(BigInteger.ONE) ? y : null;
    }

    private static void requireLength(byte[] data, int length, String what) {
        if (data.length != length) {
            throw new IllegalArgumentException("an ed25519 " + what + " has " + length + " bytes, not " + data.length);
        }
    }

    /** Hands out one given seed as its "random" bytes, so the JDK derives that key pair. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final transient byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("the JDK asked for " + bytes.length + " seed bytes, not 32");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
