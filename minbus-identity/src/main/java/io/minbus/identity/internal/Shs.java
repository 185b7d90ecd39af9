package io.minbus.identity.internal;

import java.util.Arrays;

/**
 * The secret handshake, version 1 (SHS1): constants and the derivations both roles share. Pure:
 * no I/O. Names follow the Scuttlebutt protocol guide: {@code K} the network key, {@code a}/{@code
 * b} the client's/server's ephemeral X25519 keys, {@code A}/{@code B} their long-term ed25519 keys.
 *
 * <pre>
 * msg1  client -> server   64   hmac_K(a_pub) (32) | a_pub (32)
 * msg2  server -> client   64   hmac_K(b_pub) (32) | b_pub (32)
 * msg3  client -> server  112   secretbox_{sha256(K | ab | aB)}(sig_A (64) | A_pub (32)), zero nonce
 *                               sig_A = sign_A(K | B_pub | sha256(ab))
 * msg4  server -> client   80   secretbox_{sha256(K | ab | aB | Ab)}(sig_B (64)), zero nonce
 *                               sig_B = sign_B(K | sig_A | A_pub | sha256(ab))
 * </pre>
 *
 * where {@code ab = a*b}, {@code aB = a*curve(B)}, {@code Ab = curve(A)*b} (X25519, with ed25519
 * keys converted to curve25519). Afterwards each direction is a box-stream with key {@code
 * sha256(sha256(sha256(K | ab | aB | Ab)) | receiver's long-term public key)} and initial nonce
 * the first 24 bytes of the hmac in the receiver's hello (msg1 or msg2).
 */
public final class Shs {

    /** Length of msg1 and msg2. */
    public static final int HELLO_BYTES = 64;
    /** Length of msg3. */
    public static final int CLIENT_AUTH_BYTES = SecretBox.MAC_BYTES + Ed25519.SIGNATURE_BYTES + Ed25519.KEY_BYTES;
    /** Length of msg4. */
    public static final int SERVER_ACCEPT_BYTES = SecretBox.MAC_BYTES + Ed25519.SIGNATURE_BYTES;
    /** Length of the network key. */
    public static final int NETWORK_KEY_BYTES = 32;

    private static final byte[] ZERO_NONCE = new byte[SecretBox.NONCE_BYTES];

    private Shs() {}

    /** msg1 or msg2: {@code hmac_K(ephemeral_pub) | ephemeral_pub}. */
    static byte[] hello(byte[] networkKey, byte[] ephemeralPublic) {
        return Bytes.concat(Hashes.auth(networkKey, ephemeralPublic), ephemeralPublic);
    }

    /** The ephemeral public key in a hello, or null if its hmac is not by {@code networkKey}. */
    static byte[] openHello(byte[] networkKey, byte[] hello) {
        if (hello.length != HELLO_BYTES) {
            return null;
        }
        byte[] mac = Arrays.copyOf(hello, Hashes.AUTH_BYTES);
        byte[] ephemeral = Arrays.copyOfRange(hello, Hashes.AUTH_BYTES, HELLO_BYTES);
        return Hashes.authVerify(networkKey, ephemeral, mac) ? ephemeral : null;
    }

    /** The box-stream nonce a hello implies: the first 24 bytes of its hmac. */
    static byte[] nonceOf(byte[] hello) {
        return Arrays.copyOf(hello, SecretBox.NONCE_BYTES);
    }

    static byte[] box(byte[] plaintext, byte[] key) {
        return SecretBox.seal(plaintext, ZERO_NONCE, key);
    }

    static byte[] unbox(byte[] boxed, byte[] key) {
        return SecretBox.open(boxed, ZERO_NONCE, key);
    }

    /** What client and server both sign over for msg3: {@code K | B_pub | sha256(ab)}. */
    static byte[] clientSigned(byte[] networkKey, byte[] serverPublic, byte[] abHash) {
        return Bytes.concat(networkKey, serverPublic, abHash);
    }

    /** What the server signs for msg4: {@code K | sig_A | A_pub | sha256(ab)}. */
    static byte[] serverSigned(byte[] networkKey, byte[] msg3Plaintext, byte[] abHash) {
        return Bytes.concat(networkKey, msg3Plaintext, abHash);
    }

    /** The box-stream key towards the holder of {@code receiverPublic}. */
    static byte[] streamKey(byte[] networkKey, byte[] ab, byte[] aB, byte[] bA, byte[] receiverPublic) {
        byte[] secret = Hashes.sha256(Hashes.sha256(networkKey, ab, aB, bA));
        byte[] key = Hashes.sha256(secret, receiverPublic);
        Bytes.wipe(secret);
        return key;
    }
}
