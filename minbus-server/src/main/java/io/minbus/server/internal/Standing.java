package io.minbus.server.internal;

/**
 * What a connection is to the bus (docs/minbus.md §18): a trusted plugin, a peer with a proven key
 * of its own, or refused.
 */
public enum Standing {
    /** Same user on a Unix socket, in-process, plain loopback TCP, or proved the server's own key. */
    PLUGIN,
    /** Proved a key other than the server's with the secret handshake. */
    PEER,
    /** Another user on a Unix socket without a proven key: refused with {@code 01 0c}. */
    REFUSED
}
