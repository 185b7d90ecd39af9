package io.minbus.transport;

import io.minbus.transport.internal.AddressSyntax;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a bus listens, in the one-line form a user can paste (after Scuttlebutt's multiserver
 * addresses):
 *
 * <ul>
 *   <li>{@code unix:/run/user/1000/minbus/bus.sock} &mdash; a Unix domain socket (absolute path);
 *   <li>{@code net:127.0.0.1:8008}, {@code net:bus.example.org:8008}, {@code net:[::1]:8008}
 *       &mdash; TCP (an IPv6 host goes in brackets);
 *   <li>{@code net:HOST:PORT~shs:BASE64KEY} &mdash; TCP with the secret handshake, naming the
 *       bus's ed25519 public key (32 bytes, standard base64);
 *   <li>{@code unix:/run/minbus/bus.sock~shs:BASE64KEY} &mdash; a Unix domain socket with the secret
 *       handshake, so that a process of another user can come in by proving a key (docs/minbus.md §18.3).
 * </ul>
 *
 * {@link #parse} and {@link #toString()} round-trip.
 */
public sealed interface BusAddress permits BusAddress.Unix, BusAddress.Tcp {

    /** The environment variable that overrides the default address. */
    String ENVIRONMENT_VARIABLE = "MINBUS_ADDRESS";

    /**
     * Parses an address in one of the forms above.
     *
     * @throws IllegalArgumentException naming the accepted forms if {@code text} is none of them
     */
    static BusAddress parse(String text) {
        return AddressSyntax.parse(text);
    }

    /** {@link #defaultAddress(Map)} for this process's environment. */
    static BusAddress defaultAddress() {
        return defaultAddress(System.getenv());
    }

    /**
     * The bus to use when none is named: {@code MINBUS_ADDRESS} if set (parsed), else the
     * per-user default socket, {@code $XDG_RUNTIME_DIR/minbus/bus.sock} if {@code
     * XDG_RUNTIME_DIR} is set to an absolute path, else {@code /tmp/minbus-$USER/bus.sock}.
     *
     * @param environment the environment variables to consult
     * @throws IllegalArgumentException if {@code MINBUS_ADDRESS} is set but not an address
     */
    static BusAddress defaultAddress(Map<String, String> environment) {
        return AddressSyntax.defaultAddress(environment);
    }

    /** The canonical text form, which {@link #parse} accepts. */
    @Override
    String toString();

    /** The bus's public key for the secret handshake ({@code ~shs:KEY}), in standard base64, if named. */
    Optional<String> shsKey();

    /** The same endpoint without the {@code ~shs} key: what the byte stream itself connects to or listens on. */
    BusAddress withoutKey();

    /**
     * A Unix domain socket.
     *
     * @param path the absolute path of the socket file
     * @param shsKey the bus's public key for the secret handshake, in standard base64
     */
    record Unix(Path path, Optional<String> shsKey) implements BusAddress {

        /** Checks that the path is absolute and the key, if any, is 32 bytes of base64. */
        public Unix {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(shsKey, "shsKey");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException(
                        "a unix bus address needs an absolute path, not \"" + path + "\"");
            }
            shsKey.ifPresent(AddressSyntax::checkKey);
        }

        /** A Unix socket without the secret handshake. */
        public Unix(Path path) {
            this(path, Optional.empty());
        }

        @Override
        public Unix withoutKey() {
            return new Unix(path);
        }

        @Override
        public String toString() {
            return "unix:" + path + shsKey.map(k -> "~shs:" + k).orElse("");
        }
    }

    /**
     * A TCP endpoint.
     *
     * @param host a host name or IP literal, IPv6 without brackets
     * @param port 0 to 65535 (0 only makes sense to listen on any free port)
     * @param shsKey the bus's public key for the secret handshake, in standard base64
     */
    record Tcp(String host, int port, Optional<String> shsKey) implements BusAddress {

        /** Checks the host, port and key. */
        public Tcp {
            AddressSyntax.checkTcp(host, port, shsKey);
        }

        /** A TCP address without the secret handshake. */
        public Tcp(String host, int port) {
            this(host, port, Optional.empty());
        }

        @Override
        public Tcp withoutKey() {
            return new Tcp(host, port);
        }

        /** This address with another port. */
        public Tcp withPort(int newPort) {
            return new Tcp(host, newPort, shsKey);
        }

        @Override
        public String toString() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return "net:" + h + ":" + port + shsKey.map(k -> "~shs:" + k).orElse("");
        }
    }
}
