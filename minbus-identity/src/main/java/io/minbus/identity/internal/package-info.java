/**
 * Implementation of {@code io.minbus.identity}: the primitives (hashes, X25519, ed25519 and its
 * conversion to curve25519, XSalsa20-Poly1305), the pure handshake and box-stream codecs, the
 * transports over them and key files. Not exported.
 */
package io.minbus.identity.internal;
