package io.minbus.client;

import io.minbus.identity.Identity;
import java.util.Objects;
import java.util.Optional;

/**
 * Who asks to see an {@code explicit} plugin (docs/minbus.md §18.7): a peer, by the key it proved
 * with the secret handshake, or the bus's trusted plugins as a whole (local processes of the bus's
 * user, in-process connections, connections that proved the bus's own key).
 *
 * @param key the peer's proven key; empty for the bus's trusted plugins
 */
public record Requester(Optional<Identity> key) {
    public Requester {
        Objects.requireNonNull(key, "key");
    }

    /** Whether the requester is the bus's trusted plugins rather than a peer. */
    public boolean isTrustedPlugin() {
        return key.isEmpty();
    }

    @Override
    public String toString() {
        return key.map(k -> "peer " + k).orElse("the bus's trusted plugins");
    }
}
