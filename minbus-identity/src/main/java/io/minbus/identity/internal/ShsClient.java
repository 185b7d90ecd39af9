package io.minbus.identity.internal;

import io.minbus.identity.HandshakeException;
import io.minbus.identity.HandshakeException.Reason;
import java.util.Arrays;

/**
 * The client (initiator) side of SHS1 as a pure state machine: {@link #hello()}, then {@link
 * #authenticate} with msg2, then {@link #finish} with msg4. See {@link Shs} for the messages.
 */
public final class ShsClient {

    private final byte[] networkKey;
    private final SigningKey longTerm;
    private final byte[] serverPublic;
    private final byte[] ephemeralSecret;
    private final byte[] msg1;

    private byte[] ab;
    private byte[] aB;
    private byte[] abHash;
    private byte[] msg2;
    private byte[] msg3Plaintext;

    /**
     * @param networkKey the 32-byte network key
     * @param longTerm this client's key pair
     * @param serverPublic the server's long-term public key, which must be a valid ed25519 key
     * @param ephemeralSecret 32 fresh random bytes, the ephemeral X25519 scalar (taken over, wiped)
     */
    public ShsClient(byte[] networkKey, SigningKey longTerm, byte[] serverPublic, byte[] ephemeralSecret) {
        this.networkKey = networkKey.clone();
        this.longTerm = longTerm;
        this.serverPublic = serverPublic.clone();
        this.ephemeralSecret = ephemeralSecret;
        this.msg1 = Shs.hello(this.networkKey, X25519.publicKey(ephemeralSecret));
    }

    /** msg1, 64 bytes. */
    public byte[] hello() {
        return msg1.clone();
    }

    /**
     * Checks the server's hello and returns msg3 (112 bytes).
     *
     * @throws HandshakeException if msg2 is not authenticated with the network key
     */
    public byte[] authenticate(byte[] serverHello) {
        byte[] serverEphemeral = Shs.openHello(networkKey, serverHello);
        if (serverEphemeral == null) {
            throw new HandshakeException(Reason.NETWORK_MISMATCH,
                    "the server's hello (msg2) is not authenticated with our network key: the server is on"
                            + " another network or speaks another protocol");
        }
        msg2 = serverHello.clone();
        ab = agree(ephemeralSecret, serverEphemeral, "the server's ephemeral key");
        aB = agree(ephemeralSecret, Ed25519.toX25519PublicKey(serverPublic), "the server's long-term key");
        abHash = Hashes.sha256(ab);
        byte[] signature = longTerm.sign(Shs.clientSigned(networkKey, serverPublic, abHash));
        msg3Plaintext = Bytes.concat(signature, longTerm.publicKey());
        byte[] boxKey = Hashes.sha256(networkKey, ab, aB);
        byte[] msg3 = Shs.box(msg3Plaintext, boxKey);
        Bytes.wipe(boxKey);
        return msg3;
    }

    /**
     * Checks the server's acceptance (msg4) and returns the session keys.
     *
     * @throws HandshakeException if msg4 does not prove the server holds the expected key
     */
    public ShsResult finish(byte[] msg4) {
        byte[] clientSecret = longTerm.x25519SecretKey();
        byte[] bA;
        try {
            bA = agree(clientSecret, Arrays.copyOfRange(msg2, Hashes.AUTH_BYTES, Shs.HELLO_BYTES), "the server's ephemeral key");
        } finally {
            Bytes.wipe(clientSecret);
        }
        byte[] boxKey = Hashes.sha256(networkKey, ab, aB, bA);
        byte[] signature = Shs.unbox(msg4, boxKey);
        Bytes.wipe(boxKey);
        if (signature == null
                || !Ed25519.verify(serverPublic, Shs.serverSigned(networkKey, msg3Plaintext, abHash), signature)) {
            throw new HandshakeException(Reason.SERVER_NOT_VERIFIED,
                    "the server's acceptance (msg4) does not prove it holds the key we expected; it is not that"
                            + " server, or the message was altered");
        }
        ShsResult result = new ShsResult(
                serverPublic.clone(),
                Shs.streamKey(networkKey, ab, aB, bA, serverPublic),
                Shs.nonceOf(msg2),
                Shs.streamKey(networkKey, ab, aB, bA, longTerm.publicKey()),
                Shs.nonceOf(msg1));
        Bytes.wipe(ab, aB, bA, abHash, ephemeralSecret);
        return result;
    }

    static byte[] agree(byte[] scalar, byte[] point, String what) {
        try {
            return X25519.sharedSecret(scalar, point);
        } catch (IllegalArgumentException e) {
            throw new HandshakeException(Reason.MALFORMED, what + " is a point of small order");
        }
    }
}
