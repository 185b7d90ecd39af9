package io.minbus.identity;

import io.minbus.identity.internal.BoxStreamTransport;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Transport} encrypted with box-stream (npm {@code pull-box-stream}) after a secret
 * handshake: every byte is encrypted and authenticated, including where each box ends and where
 * the stream ends. It behaves as any transport, with these additions:
 *
 * <ul>
 *   <li>{@link #shutdownOutput()} sends the encrypted goodbye; the peer's read returns -1 after
 *       it. {@link #close()} sends it too unless a write is in progress or it cannot go out
 *       within a second.
 *   <li>A read throws {@link BoxStreamException} (and the connection is closed) if a box does not
 *       authenticate, or if the connection ends without the goodbye, since the data may then have
 *       been cut short.
 *   <li>{@link #socketChannel()} is empty: bytes on the socket are ciphertext.
 *   <li>{@link #peerCredentials()} are those of the underlying transport.
 * </ul>
 */
public interface SecureTransport extends Transport {

    /** The peer's identity, proved in the handshake. */
    Identity peer();

    /** This side's identity. */
    Identity local();

    /**
     * Encrypts {@code inner} with the keys of a completed handshake over it. Takes over {@code
     * inner}: closing the result closes it.
     */
    static SecureTransport wrap(Transport inner, HandshakeOutcome outcome) {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(outcome, "outcome");
        return new BoxStreamTransport(inner, outcome.local(), outcome.peer(), outcome.encryptKey(),
                outcome.encryptNonce(), outcome.decryptKey(), outcome.decryptNonce());
    }

    /**
     * Runs the client handshake over {@code inner} and wraps it.
     *
     * @throws HandshakeException as {@link Handshake#client}; {@code inner} is then closed
     */
    static SecureTransport client(Transport inner, NetworkKey networkKey, Keys clientKeys, Identity server) {
        return wrap(inner, Handshake.client(inner, networkKey, clientKeys, server));
    }

    /**
     * Runs the server handshake over {@code inner}, admitting every client, and wraps it.
     *
     * @throws HandshakeException as {@link Handshake#server}; {@code inner} is then closed
     */
    static SecureTransport server(Transport inner, NetworkKey networkKey, Keys serverKeys) {
        return wrap(inner, Handshake.server(inner, networkKey, serverKeys));
    }

    /**
     * Connects to an address with a server key, {@code net:HOST:PORT~shs:BASE64KEY} or {@code
     * unix:/PATH~shs:BASE64KEY}, and runs the client handshake.
     *
     * @throws IllegalArgumentException if the address names no server key
     * @throws io.minbus.transport.TransportException if nobody answers
     * @throws HandshakeException if the handshake fails
     */
    static SecureTransport connect(BusAddress address, NetworkKey networkKey, Keys clientKeys) {
        Objects.requireNonNull(address, "address");
        if (address.shsKey().isEmpty()) {
            throw new IllegalArgumentException("a secret handshake needs an address of the form"
                    + " net:HOST:PORT~shs:BASE64KEY or unix:/PATH~shs:BASE64KEY naming the bus's key, not " + address);
        }
        Identity server = Identity.fromBase64(address.shsKey().get());
        Transport inner = Transports.connect(address.withoutKey());
        return client(inner, networkKey, clientKeys, server);
    }
}
