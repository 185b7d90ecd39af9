package io.minbus.identity;

import io.minbus.transport.TransportException;
import java.io.IOException;
import java.io.Serial;
import java.util.Objects;

/**
 * The secret handshake failed; the connection has been closed. The message says which step failed
 * and the likely cause, and never contains a secret (public keys only). {@link #reason()} tells the
 * cases apart for code and counters.
 */
public final class HandshakeException extends TransportException {

    @Serial private static final long serialVersionUID = 1L;

    /** Why a handshake failed. */
    public enum Reason {
        /**
         * The peer's hello (msg1 or msg2) is not authenticated with our network key: it is on
         * another network, speaks another protocol, or sent garbage. A server closes without a
         * word.
         */
        NETWORK_MISMATCH,
        /**
         * The peer closed the connection in the middle of the handshake. For a client right after
         * its hello: the server is on another network key. Right after its authentication (msg3):
         * the server's key is not the one the client expected, or the server refused the client.
         */
        PEER_HUNG_UP,
        /** Client side: the server's acceptance (msg4) does not prove it holds the expected key. */
        SERVER_NOT_VERIFIED,
        /** Server side: the client's authentication (msg3) does not open or its signature is bad. */
        CLIENT_NOT_VERIFIED,
        /** Server side: the client proved its key, but the server's policy does not admit it. */
        UNAUTHORIZED,
        /** A message is well-formed but unusable, e.g. an ephemeral key of small order. */
        MALFORMED,
        /** The handshake did not finish in time. */
        TIMED_OUT,
        /** Reading or writing the connection failed. */
        IO_ERROR
    }

    private final Reason reason;

    /**
     * Creates an exception.
     *
     * @param reason why the handshake failed
     * @param message what happened and what to do; no secrets
     */
    public HandshakeException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Creates an exception with the I/O failure behind it.
     *
     * @param reason why the handshake failed
     * @param message what happened and what to do; no secrets
     * @param cause the transport failure
     */
    public HandshakeException(Reason reason, String message, IOException cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the handshake failed. */
    public Reason reason() {
        return reason;
    }
}
