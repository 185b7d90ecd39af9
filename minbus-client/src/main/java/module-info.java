/**
 * The minbus plugin SDK (docs/minbus.md): connect to a bus, register a name, list and watch the
 * other plugins, open channels to them and accept theirs. Start at {@link io.minbus.client.MinBus}.
 *
 * <p>Only {@code io.minbus.client} is exported; {@code io.minbus.client.internal} holds the
 * implementation. The API uses {@link io.minbus.protocol.PluginInfo} and {@link
 * io.minbus.protocol.Reason} from the payload codec, and {@link io.minbus.mux.SessionConfig} and
 * {@link io.minbus.transport.BusAddress} for configuration, so those modules are required
 * transitively.
 */
module io.minbus.client {
    requires transitive io.minbus.mux;
    requires transitive io.minbus.protocol;
    requires transitive io.minbus.transport;
    requires transitive io.minbus.identity;

    exports io.minbus.client;
}
