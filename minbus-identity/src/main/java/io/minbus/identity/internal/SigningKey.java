package io.minbus.identity.internal;

import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * An ed25519 key pair held as its 32-byte seed and 32-byte public key (libsodium's 64-byte secret
 * key is their concatenation). Immutable; never prints its secret.
 */
public final class SigningKey {

    /** Length of libsodium's secret key: seed || public key. */
    public static final int SECRET_KEY_BYTES = 64;

    private final byte[] seed;
    private final byte[] publicKey;
    private final PrivateKey privateKey;

    private SigningKey(byte[] seed, byte[] publicKey) {
        this.seed = seed;
        this.publicKey = publicKey;
        this.privateKey = Ed25519.privateKey(seed);
    }

    /** The key pair of a 32-byte seed (copied). */
    public static SigningKey fromSeed(byte[] seed) {
        byte[] copy = seed.clone();
        return new SigningKey(copy, Ed25519.publicKey(copy));
    }

    /**
     * The key pair of a libsodium secret key, {@code seed || public key}.
     *
     * @throws IllegalArgumentException if the length is not 64, or the second half is not the
     *     public key of the first
     */
    public static SigningKey fromSecretKey(byte[] secretKey) {
        if (secretKey.length != SECRET_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "an ed25519 secret key has 64 bytes (seed and public key), not " + secretKey.length);
        }
        SigningKey key = fromSeed(Arrays.copyOf(secretKey, Ed25519.KEY_BYTES));
        byte[] stated = Arrays.copyOfRange(secretKey, Ed25519.KEY_BYTES, SECRET_KEY_BYTES);
        if (!Arrays.equals(stated, key.publicKey)) {
            throw new IllegalArgumentException("the secret key's second half is not the public key of its seed");
        }
        return key;
    }

    /** A copy of the public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy of libsodium's 64-byte secret key, {@code seed || public key}; wipe it after use. */
    public byte[] secretKey() {
        return Bytes.concat(seed, publicKey);
    }

    /** A detached ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    /** A fresh copy of the X25519 secret scalar of this key; wipe it after use. */
    public byte[] x25519SecretKey() {
        return Ed25519.toX25519SecretKey(seed);
    }

    @Override
    public String toString() {
        return "SigningKey[public " + Base64.getEncoder().encodeToString(publicKey) + "]";
    }
}
