/**
 * minbus-rpc: Call/Notify over a message channel, typed Java interface proxies, codecs and
 * instance dispensing. Normative spec: {@code docs/rpc.md}. Only {@code io.minbus.rpc} is exported.
 *
 * <p>Typed interfaces and their argument types must be public and in packages this module can
 * reach (exported, or opened to {@code io.minbus.rpc} and {@code tools.jackson.databind} for JSON).
 */
module io.minbus.rpc {
    exports io.minbus.rpc;

    requires transitive tools.jackson.databind;
    requires transitive io.minbus.client;
}
