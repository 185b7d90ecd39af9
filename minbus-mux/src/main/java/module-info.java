/**
 * The minbus session (docs/protocol.md §4-§11): entities, halves, per-half credit, partial
 * payloads, heartbeats, ends and acks over one reliable byte stream.
 *
 * <p>Two levels: {@link io.minbus.mux.Session} is the blocking API for applications (safe on
 * virtual threads); {@link io.minbus.mux.MuxEngine} is the sans-I/O protocol engine underneath it,
 * for servers that drive connections from a selector loop.
 */
module io.minbus.mux {
    requires transitive io.minbus.wire;
    requires transitive io.minbus.transport;

    exports io.minbus.mux;
}
