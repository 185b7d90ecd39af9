package io.minbus.identity;

import io.minbus.identity.internal.ShsResult;

/**
 * What a completed secret handshake yields: who the peer is, and the keys and initial nonces of
 * the two box-streams. Hand it to {@link SecureTransport#wrap}. {@link #toString()} never shows
 * the keys.
 */
public final class HandshakeOutcome {

    private final Identity local;
    private final Identity peer;
    private final ShsResult result;

    HandshakeOutcome(Identity local, ShsResult result) {
        this.local = local;
        this.peer = Identity.of(result.peerPublicKey());
        this.result = result;
    }

    /** This side's identity. */
    public Identity local() {
        return local;
    }

    /** The peer's long-term identity, which it proved to hold. */
    public Identity peer() {
        return peer;
    }

    /** A copy of the 32-byte box-stream key for what this side sends. */
    public byte[] encryptKey() {
        return result.encryptKey().clone();
    }

    /** A copy of the 24-byte initial nonce for what this side sends. */
    public byte[] encryptNonce() {
        return result.encryptNonce().clone();
    }

    /** A copy of the 32-byte box-stream key for what this side receives. */
    public byte[] decryptKey() {
        return result.decryptKey().clone();
    }

    /** A copy of the 24-byte initial nonce for what this side receives. */
    public byte[] decryptNonce() {
        return result.decryptNonce().clone();
    }

    /** {@code HandshakeOutcome[@local.ed25519 <-> @peer.ed25519]}. */
    @Override
    public String toString() {
        return "HandshakeOutcome[" + local + " <-> " + peer + "]";
    }
}
