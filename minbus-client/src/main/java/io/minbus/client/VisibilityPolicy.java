package io.minbus.client;

/**
 * Who may see a plugin registered with {@link MinBus#register(String, int, VisibilityPolicy)}: the
 * {@code explicit} visibility of docs/minbus.md §18.4 and §18.7. The bus asks once per requester
 * identity (the bus's trusted plugins as one, each peer by its key) and keeps the answer for the life
 * of the registration; connections of the plugin's own identity see it without being asked.
 *
 * <p>Called on a virtual thread of its own, never on the thread that reads the connection, so it may
 * take its time; the bus counts no answer within its {@code visibility_timeout} (10 s by default) as a
 * denial, and so is an exception thrown here. A requester that is denied finds the plugin absent from
 * its listings and watches, and its connects fail with {@link NoSuchPluginException}.
 */
@FunctionalInterface
public interface VisibilityPolicy {

    /** Whether {@code requester} may see this plugin and connect to it. */
    boolean allows(Requester requester);

    /** Allows only peers that proved one of {@code keys} (and denies the bus's trusted plugins of another identity). */
    static VisibilityPolicy onlyKeys(io.minbus.identity.Identity... keys) {
        java.util.Set<io.minbus.identity.Identity> allowed = java.util.Set.of(keys);
        return requester -> requester.key().filter(allowed::contains).isPresent();
    }
}
