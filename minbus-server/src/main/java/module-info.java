/**
 * The Min-Bus server (normative spec: {@code docs/minbus.md}): the payload codec shared with the
 * client SDK ({@link io.minbus.server.protocol}), the server's limits ({@link io.minbus.server}), and,
 * unexported, the registry and the relay credit accounting.
 */
module io.minbus.server {
    requires transitive io.minbus.wire;

    exports io.minbus.server;
    exports io.minbus.server.protocol;
}
