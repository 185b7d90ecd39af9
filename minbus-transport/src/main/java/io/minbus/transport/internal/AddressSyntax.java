package io.minbus.transport.internal;

import io.minbus.transport.BusAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Parsing and checking of {@link BusAddress} text, and the default address. */
public final class AddressSyntax {

    static final String FORMS =
            "accepted forms: unix:/absolute/path/bus.sock, net:HOST:PORT, net:[IPV6]:PORT,"
                    + " each optionally followed by ~shs:BASE64KEY";
    private static final int KEY_BYTES = 32;

    private AddressSyntax() {}

    /** See {@link BusAddress#parse}. */
    public static BusAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            if (text.startsWith("unix:")) {
                return parseUnix(text.substring("unix:".length()));
            }
            if (text.startsWith("net:")) {
                return parseNet(text.substring("net:".length()));
            }
            throw new IllegalArgumentException("unknown scheme");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "not a bus address: \"" + text + "\" (" + e.getMessage() + "); " + FORMS, e);
        }
    }

    private static BusAddress parseUnix(String path) {
        Optional<String> key = Optional.empty();
        int shs = path.lastIndexOf("~shs:");
        if (shs >= 0) {
            key = Optional.of(path.substring(shs + "~shs:".length()));
            path = path.substring(0, shs);
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the unix path must be absolute");
        }
        try {
            return new BusAddress.Unix(Path.of(path), key);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path: " + e.getReason());
        }
    }

    private static BusAddress parseNet(String rest) {
        Optional<String> key = Optional.empty();
        int tilde = rest.indexOf('~');
        if (tilde >= 0) {
            String suffix = rest.substring(tilde + 1);
            if (!suffix.startsWith("shs:")) {
                throw new IllegalArgumentException("unknown suffix ~" + suffix);
            }
            key = Optional.of(suffix.substring("shs:".length()));
            rest = rest.substring(0, tilde);
        }
        String host;
        String port;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || !rest.startsWith(":", close + 1)) {
                throw new IllegalArgumentException("expected [IPV6]:PORT");
            }
            host = rest.substring(1, close);
            port = rest.substring(close + 2);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("missing :PORT");
            }
            host = rest.substring(0, colon);
            port = rest.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("an IPv6 host needs brackets, as in net:[::1]:8008");
            }
        }
        return new BusAddress.Tcp(host, parsePort(port), key);
    }

    private static int parsePort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the port must be a number from 0 to 65535");
        }
        return Integer.parseInt(port);
    }

    /** The checks of {@link BusAddress.Tcp}'s constructor. */
    public static void checkTcp(String host, int port, Optional<String> shsKey) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(shsKey, "shsKey");
        if (host.isEmpty() || !host.chars().allMatch(AddressSyntax::isHostChar)) {
            throw new IllegalArgumentException("the host must be a name or an IP literal, not \"" + host + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be a number from 0 to 65535, not " + port);
        }
        shsKey.ifPresent(AddressSyntax::checkKey);
    }

    private static boolean isHostChar(int c) {
        return c > ' ' && c < 127 && "[]~/@?#\\\"".indexOf(c) < 0;
    }

    /** A {@code ~shs} key: 32 bytes in standard base64. */
    public static void checkKey(String key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the ~shs key is not standard base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "the ~shs key must be a 32-byte ed25519 public key, not " + bytes.length + " bytes");
        }
    }

    /** See {@link BusAddress#defaultAddress(Map)}. */
    public static BusAddress defaultAddress(Map<String, String> env) {
        String configured = env.getOrDefault(BusAddress.ENVIRONMENT_VARIABLE, "").strip();
        if (!configured.isEmpty()) {
            try {
                return parse(configured);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        BusAddress.ENVIRONMENT_VARIABLE + " is set but " + e.getMessage(), e);
            }
        }
        String runtimeDir = env.getOrDefault("XDG_RUNTIME_DIR", "");
        if (runtimeDir.startsWith("/")) {
            return new BusAddress.Unix(Path.of(runtimeDir, "minbus", "bus.sock"));
        }
        String user = env.getOrDefault("USER", "");
        if (user.isEmpty() || user.indexOf('/') >= 0) {
            user = System.getProperty("user.name");
        }
        return new BusAddress.Unix(Path.of("/tmp", "minbus-" + user, "bus.sock"));
    }
}
