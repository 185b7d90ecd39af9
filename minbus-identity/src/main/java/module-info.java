/**
 * Identity and security for minbus: ed25519 identities and key files, the secret handshake
 * (Scuttlebutt's SHS1, byte-compatible with npm {@code secret-handshake}) and box-stream
 * encryption (npm {@code pull-box-stream}) as a {@link io.minbus.transport.Transport}. Normative
 * description: {@code docs/security.md}.
 */
module io.minbus.identity {
    exports io.minbus.identity;

    requires transitive io.minbus.transport;
    requires org.bouncycastle.provider;
}
