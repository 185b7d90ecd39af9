/**
 * Identity and security for minbus.
 *
 * <ul>
 *   <li>{@link io.minbus.identity.Keys}: an ed25519 key pair, its key file ({@code
 *       ~/.config/minbus/secret} or {@code $MINBUS_KEY_FILE}, mode 0600);
 *       {@link io.minbus.identity.Identity}: a public key, {@code @BASE64.ed25519}.
 *   <li>{@link io.minbus.identity.Handshake}: the secret handshake (SHS1), both roles, under a
 *       {@link io.minbus.identity.NetworkKey} ({@link io.minbus.identity.NetworkKey#MINBUS} names
 *       the minbus protocol).
 *   <li>{@link io.minbus.identity.SecureTransport}: box-stream encryption over any transport
 *       after the handshake.
 * </ul>
 *
 * Wire-compatible with Scuttlebutt's npm {@code secret-handshake} and {@code pull-box-stream};
 * see {@code docs/security.md}. Failures are unchecked: {@link
 * io.minbus.identity.HandshakeException} and {@link io.minbus.identity.BoxStreamException} (both
 * {@link io.minbus.transport.TransportException}s), {@link io.minbus.identity.IdentityException}
 * for key files.
 */
package io.minbus.identity;
