package io.minbus.identity.internal;

import java.util.Base64;

/**
 * What a completed handshake yields for one side.
 *
 * @param peerPublicKey the peer's long-term ed25519 public key
 * @param encryptKey box-stream key for what this side sends
 * @param encryptNonce initial nonce for what this side sends
 * @param decryptKey box-stream key for what this side receives
 * @param decryptNonce initial nonce for what this side receives
 */
public record ShsResult(
        byte[] peerPublicKey, byte[] encryptKey, byte[] encryptNonce, byte[] decryptKey, byte[] decryptNonce) {

    /** Never prints the keys. */
    @Override
    public String toString() {
        return "ShsResult[peer " + Base64.getEncoder().encodeToString(peerPublicKey) + "]";
    }
}
