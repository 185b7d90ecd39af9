/**
 * Byte-stream transports for minbus: Unix domain sockets, TCP, pipes (a child's stdio, this
 * process's stdio, inherited file descriptors) and in-memory pairs, all behind {@link
 * io.minbus.transport.Transport}, plus the one-line {@link io.minbus.transport.BusAddress} a user
 * pastes to name a bus.
 */
module io.minbus.transport {
    exports io.minbus.transport;

    requires jdk.net;
}
