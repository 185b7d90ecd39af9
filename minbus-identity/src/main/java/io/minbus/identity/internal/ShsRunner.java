package io.minbus.identity.internal;

import io.minbus.identity.HandshakeException;
import io.minbus.identity.HandshakeException.Reason;
import io.minbus.identity.Identity;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * Runs SHS1 over a {@link Transport}: the pure {@link ShsClient}/{@link ShsServer} plus exact-length
 * reads (never past the handshake, so box-stream bytes that follow stay in the transport), a
 * deadline that closes the transport, and closing on every failure.
 */
public final class ShsRunner {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ShsRunner() {}

    /** The client side; see {@code Handshake.client}. */
    public static ShsResult client(Transport transport, byte[] networkKey, SigningKey keys, byte[] serverPublic,
            Duration timeout) {
        return run(transport, timeout, () -> {
            ShsClient client = new ShsClient(networkKey, keys, serverPublic, ephemeral());
            write(transport, client.hello());
            byte[] msg2 = read(transport, Shs.HELLO_BYTES, "the server's hello (msg2)",
                    "right after our hello: the server is on another network key, or is not a minbus server");
            write(transport, client.authenticate(msg2));
            byte[] msg4 = read(transport, Shs.SERVER_ACCEPT_BYTES, "the server's acceptance (msg4)",
                    "right after our authentication: " + id(serverPublic) + " is not the server's key, or the"
                            + " server does not admit our key " + id(keys.publicKey()));
            return client.finish(msg4);
        });
    }

    /** The server side; see {@code Handshake.server}. */
    public static ShsResult server(Transport transport, byte[] networkKey, SigningKey keys,
            Predicate<Identity> authorizer, Duration timeout) {
        return run(transport, timeout, () -> {
            ShsServer server = new ShsServer(networkKey, keys, ephemeral());
            byte[] msg1 = read(transport, Shs.HELLO_BYTES, "the client's hello (msg1)", "before its hello");
            write(transport, server.hello(msg1));
            byte[] msg3 = read(transport, Shs.CLIENT_AUTH_BYTES, "the client's authentication (msg3)",
                    "right after our hello: the client is on another network key, or gave up");
            Identity client = Identity.of(server.verify(msg3));
            if (!authorizer.test(client)) {
                throw new HandshakeException(Reason.UNAUTHORIZED,
                        "the client " + client + " proved its key, but this server does not admit it");
            }
            write(transport, server.accept());
            return server.result();
        });
    }

    private interface Steps {
        ShsResult run();
    }

    private static ShsResult run(Transport transport, Duration timeout, Steps steps) {
        Deadline deadline = Deadline.arm(timeout, transport::close);
        try {
            ShsResult result = steps.run();
            if (deadline.disarm()) {
                return result;
            }
            throw new HandshakeException(Reason.TIMED_OUT, "timed out");
        } catch (HandshakeException e) {
            transport.close();
            throw failure(transport, deadline, timeout, e.reason(), e.getMessage(), e);
        } catch (TransportException e) {
            transport.close();
            throw failure(transport, deadline, timeout, Reason.IO_ERROR, e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            transport.close();
            throw e;
        } finally {
            deadline.disarm();
        }
    }

    private static HandshakeException failure(Transport transport, Deadline deadline, Duration timeout, Reason reason,
            String message, TransportException cause) {
        String prefix = "secret handshake with " + transport.description() + " failed: ";
        if (deadline.fired()) {
            return new HandshakeException(Reason.TIMED_OUT,
                    prefix + "it did not finish within " + timeout.toMillis() + " ms (the peer is silent or slow)",
                    cause.getCause());
        }
        return new HandshakeException(reason, prefix + message, cause.getCause());
    }

    private static byte[] read(Transport transport, int length, String what, String when) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (transport.read(buffer) < 0) {
                String got = buffer.position() == 0 ? "" : " after " + buffer.position() + " of " + length + " bytes";
                throw new HandshakeException(Reason.PEER_HUNG_UP,
                        "the peer closed the connection instead of sending " + what + got + ", " + when);
            }
        }
        return buffer.array();
    }

    private static void write(Transport transport, byte[] message) {
        transport.write(ByteBuffer.wrap(message));
    }

    private static byte[] ephemeral() {
        byte[] scalar = new byte[X25519.KEY_BYTES];
        RANDOM.nextBytes(scalar);
        return scalar;
    }

    private static String id(byte[] publicKey) {
        return "@" + Base64.getEncoder().encodeToString(publicKey) + ".ed25519";
    }
}
