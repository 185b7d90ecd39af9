package io.minbus.identity.interop;

import io.minbus.identity.Handshake;
import io.minbus.identity.HandshakeException;
import io.minbus.identity.HandshakeOutcome;
import io.minbus.identity.Identity;
import io.minbus.identity.Keys;
import io.minbus.identity.NetworkKey;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The executable that npm {@code shs1-test} drives over stdin and stdout:
 *
 * <pre>
 * server NETWORK_KEY_HEX SERVER_SECRET_KEY_HEX SERVER_PUBLIC_KEY_HEX   (for shs1testserver)
 * client NETWORK_KEY_HEX SERVER_PUBLIC_KEY_HEX                         (for shs1testclient)
 * </pre>
 *
 * It performs its role with {@link Handshake} over {@link Transports#stdio()}, then writes
 * {@code encrypt key | encrypt nonce | decrypt key | decrypt nonce} (112 bytes) and exits 0. If the
 * other side misbehaves it writes nothing more and exits 1 (the handshake has closed stdout).
 */
public final class Shs1Executable {

    /** Generous: the suite starts 45 of these at once, and judges misbehaviour itself. */
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private Shs1Executable() {}

    public static void main(String[] args) {
        HexFormat hex = HexFormat.of();
        Transport stdio = Transports.stdio();
        try {
            NetworkKey network = NetworkKey.of(hex.parseHex(args[1]));
            HandshakeOutcome outcome = switch (args[0]) {
                case "server" -> {
                    Keys keys = Keys.fromSecretKey(hex.parseHex(args[2]));
                    if (!keys.identity().equals(Identity.of(hex.parseHex(args[3])))) {
                        throw new IllegalArgumentException("the public key is not that of the secret key");
                    }
                    yield Handshake.server(stdio, network, keys, TIMEOUT, client -> true);
                }
                case "client" -> Handshake.client(stdio, network, Keys.generate(), Identity.of(hex.parseHex(args[2])), TIMEOUT);
                default -> throw new IllegalArgumentException("server or client, not " + args[0]);
            };
            stdio.write(ByteBuffer.wrap(outcome.encryptKey()), ByteBuffer.wrap(outcome.encryptNonce()),
                    ByteBuffer.wrap(outcome.decryptKey()), ByteBuffer.wrap(outcome.decryptNonce()));
            stdio.close();
            System.exit(0);
        } catch (HandshakeException e) {
            System.err.println("shs1 " + args[0] + ": " + e.reason());
            System.exit(1);
        } catch (RuntimeException e) {
            System.err.println("shs1 " + args[0] + ": " + e);
            System.exit(2);
        }
    }
}
