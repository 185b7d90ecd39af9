/**
 * The Min-Bus server (normative spec: {@code docs/minbus.md}): its limits and, unexported, the
 * registry and the relay credit accounting. The payload codec shared with the client SDK lives in
 * {@code io.minbus.protocol}.
 */
module io.minbus.server {
    requires transitive io.minbus.wire;
    requires transitive io.minbus.protocol;

    exports io.minbus.server;
}
