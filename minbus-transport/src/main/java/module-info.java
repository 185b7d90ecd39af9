/**
 * Byte-stream transports for minbus: Unix domain sockets, TCP, pipes (a child's stdio, this
 * process's stdio, inherited file descriptors) and in-memory pairs, all behind {@link
 * io.minbus.transport.Transport}, plus the one-line {@link io.minbus.transport.BusAddress} a user
 * pastes to name a bus.
 */
module io.minbus.transport {
    exports io.minbus.transport;
    // minbus's lazy loggers, used by every minbus module; not API. Not a qualified export: a module
    // such as minbus-server on the class path (unnamed) with this one on the module path must reach it
    exports io.minbus.transport.internal.logging;

    requires jdk.net;
}
