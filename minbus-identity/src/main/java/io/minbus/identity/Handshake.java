package io.minbus.identity;

import io.minbus.identity.internal.ShsRunner;
import io.minbus.transport.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The secret handshake (Scuttlebutt's SHS1, byte-compatible with npm {@code secret-handshake}):
 * both sides prove their long-term ed25519 keys to each other, the client having to know the
 * server's key in advance, and derive fresh keys for box-stream encryption. Four messages, 64 + 64
 * + 112 + 80 bytes; nothing of the handshake reads past its own messages. See {@code
 * docs/security.md}.
 *
 * <p>Every failure closes the transport and throws {@link HandshakeException}, whose {@link
 * HandshakeException#reason()} says what went wrong. A server that receives a hello with another
 * network key closes without sending a byte. A deadline ({@link #DEFAULT_TIMEOUT} unless given)
 * closes a connection whose peer stalls.
 */
public final class Handshake {

    /** How long a handshake may take unless a timeout is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Handshake() {}

    /** {@link #client(Transport, NetworkKey, Keys, Identity, Duration)} with the default timeout. */
    public static HandshakeOutcome client(Transport transport, NetworkKey networkKey, Keys clientKeys, Identity server) {
        return client(transport, networkKey, clientKeys, server, DEFAULT_TIMEOUT);
    }

    /**
     * Runs the client side over {@code transport}.
     *
     * @param server the server's identity, known in advance (for example from its bus address)
     * @throws HandshakeException if the server is not {@code server}, is on another network key,
     *     refuses this client, or the connection fails or stalls; the transport is then closed
     */
    public static HandshakeOutcome client(Transport transport, NetworkKey networkKey, Keys clientKeys,
            Identity server, Duration timeout) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(networkKey, "networkKey");
        Objects.requireNonNull(clientKeys, "clientKeys");
        Objects.requireNonNull(server, "server");
        checkTimeout(timeout);
        return new HandshakeOutcome(clientKeys.identity(), ShsRunner.client(
                transport, networkKey.bytes(), clientKeys.signingKey(), server.bytes(), timeout));
    }

    /** {@link #server(Transport, NetworkKey, Keys, Duration, Predicate)}, admitting every client. */
    public static HandshakeOutcome server(Transport transport, NetworkKey networkKey, Keys serverKeys) {
        return server(transport, networkKey, serverKeys, DEFAULT_TIMEOUT, client -> true);
    }

    /**
     * Runs the server side over {@code transport}.
     *
     * @param authorizer decides, once a client has proved its identity and before the server
     *     proves its own, whether to admit it; a refused client sees the connection close
     * @throws HandshakeException if the client is on another network key, fails to authenticate,
     *     is refused, or the connection fails or stalls; the transport is then closed
     */
    public static HandshakeOutcome server(Transport transport, NetworkKey networkKey, Keys serverKeys, Duration timeout,
            Predicate<Identity> authorizer) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(networkKey, "networkKey");
        Objects.requireNonNull(serverKeys, "serverKeys");
        Objects.requireNonNull(authorizer, "authorizer");
        checkTimeout(timeout);
        return new HandshakeOutcome(serverKeys.identity(), ShsRunner.server(
                transport, networkKey.bytes(), serverKeys.signingKey(), authorizer, timeout));
    }

    private static void checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a handshake timeout is positive, not " + timeout);
        }
    }
}
