package io.minbus.identity.internal;

import io.minbus.identity.HandshakeException;
import io.minbus.identity.HandshakeException.Reason;
import java.util.Arrays;

/**
 * The server (responder) side of SHS1 as a pure state machine: {@link #hello} with msg1 returns
 * msg2, {@link #verify} with msg3 returns the client's key, {@link #accept} returns msg4, then
 * {@link #result}. See {@link Shs} for the messages.
 */
public final class ShsServer {

    private final byte[] networkKey;
    private final SigningKey longTerm;
    private final byte[] ephemeralSecret;
    private final byte[] msg2;

    private byte[] msg1;
    private byte[] clientEphemeral;
    private byte[] ab;
    private byte[] aB;
    private byte[] bA;
    private byte[] abHash;
    private byte[] msg3Plaintext;
    private byte[] clientPublic;

    /**
     * @param networkKey the 32-byte network key
     * @param longTerm this server's key pair
     * @param ephemeralSecret 32 fresh random bytes, the ephemeral X25519 scalar (taken over, wiped)
     */
    public ShsServer(byte[] networkKey, SigningKey longTerm, byte[] ephemeralSecret) {
        this.networkKey = networkKey.clone();
        this.longTerm = longTerm;
        this.ephemeralSecret = ephemeralSecret;
        this.msg2 = Shs.hello(this.networkKey, X25519.publicKey(ephemeralSecret));
    }

    /**
     * Checks the client's hello (msg1) and returns msg2.
     *
     * @throws HandshakeException if msg1 is not authenticated with the network key (the caller
     *     must then close without sending anything)
     */
    public byte[] hello(byte[] clientHello) {
        byte[] ephemeral = Shs.openHello(networkKey, clientHello);
        if (ephemeral == null) {
            throw new HandshakeException(Reason.NETWORK_MISMATCH,
                    "the client's hello (msg1) is not authenticated with our network key: a client of another"
                            + " network or protocol, or not a secret-handshake client; closed without answering");
        }
        msg1 = clientHello.clone();
        clientEphemeral = ephemeral;
        ab = ShsClient.agree(ephemeralSecret, clientEphemeral, "the client's ephemeral key");
        return msg2.clone();
    }

    /**
     * Opens and checks the client's authentication (msg3) and returns the client's long-term
     * public key.
     *
     * @throws HandshakeException if msg3 does not open or its signature is invalid
     */
    public byte[] verify(byte[] msg3) {
        byte[] serverSecret = longTerm.x25519SecretKey();
        try {
            aB = ShsClient.agree(serverSecret, clientEphemeral, "the client's ephemeral key");
        } finally {
            Bytes.wipe(serverSecret);
        }
        abHash = Hashes.sha256(ab);
        byte[] boxKey = Hashes.sha256(networkKey, ab, aB);
        byte[] plaintext = Shs.unbox(msg3, boxKey);
        Bytes.wipe(boxKey);
        if (plaintext == null) {
            throw new HandshakeException(Reason.CLIENT_NOT_VERIFIED,
                    "the client's authentication (msg3) does not open: the client expects another server key,"
                            + " or the message was altered");
        }
        byte[] signature = Arrays.copyOf(plaintext, Ed25519.SIGNATURE_BYTES);
        byte[] claimed = Arrays.copyOfRange(plaintext, Ed25519.SIGNATURE_BYTES, plaintext.length);
        byte[] signed = Shs.clientSigned(networkKey, longTerm.publicKey(), abHash);
        if (!Ed25519.isValidPublicKey(claimed) || !Ed25519.verify(claimed, signed, signature)) {
            throw new HandshakeException(Reason.CLIENT_NOT_VERIFIED,
                    "the client's authentication (msg3) has no valid signature by the key it names");
        }
        bA = ShsClient.agree(ephemeralSecret, Ed25519.toX25519PublicKey(claimed), "the client's long-term key");
        msg3Plaintext = plaintext;
        clientPublic = claimed;
        return claimed.clone();
    }

    /** msg4 (80 bytes), once {@link #verify} succeeded. */
    public byte[] accept() {
        byte[] signature = longTerm.sign(Shs.serverSigned(networkKey, msg3Plaintext, abHash));
        byte[] boxKey = Hashes.sha256(networkKey, ab, aB, bA);
        byte[] msg4 = Shs.box(signature, boxKey);
        Bytes.wipe(boxKey);
        return msg4;
    }

    /** The session keys, once {@link #accept} produced msg4. */
    public ShsResult result() {
        ShsResult result = new ShsResult(
                clientPublic.clone(),
                Shs.streamKey(networkKey, ab, aB, bA, clientPublic),
                Shs.nonceOf(msg1),
                Shs.streamKey(networkKey, ab, aB, bA, longTerm.publicKey()),
                Shs.nonceOf(msg2));
        Bytes.wipe(ab, aB, bA, abHash, ephemeralSecret);
        return result;
    }
}
