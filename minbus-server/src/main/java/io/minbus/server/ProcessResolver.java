package io.minbus.server;

import java.util.OptionalLong;

/**
 * Tells the server which process a connection comes from, for {@code max_names_per_process}
 * (docs/minbus.md §14). Java cannot read a Unix socket peer's pid, so by default the server counts
 * names per peer user on Unix sockets and per connection elsewhere; a host that launched a plugin
 * knows its pid and can say so here. Called on a selector loop when the connection's registration
 * is processed: it must be fast and must not block.
 */
@FunctionalInterface
public interface ProcessResolver {
    /** A resolver that never knows. */
    ProcessResolver NONE = peer -> OptionalLong.empty();

    /** The pid of the process at the other end of {@code peer}, or empty if unknown. */
    OptionalLong pid(PeerInfo peer);
}
