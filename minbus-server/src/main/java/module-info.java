/**
 * The Min-Bus server (normative spec: {@code docs/minbus.md}): {@link io.minbus.server.MinBusServer},
 * its limits and statistics. Everything else (selector loops, connections, the registry, relays) lives
 * in the unexported {@code io.minbus.server.internal}. The payload codec shared with the client SDK is
 * {@code io.minbus.protocol}; the session engine is {@code io.minbus.mux}.
 */
module io.minbus.server {
    requires transitive io.minbus.wire;
    requires transitive io.minbus.protocol;
    requires transitive io.minbus.transport;
    requires transitive io.minbus.identity;
    requires io.minbus.mux;
    requires jdk.net;

    exports io.minbus.server;
}
