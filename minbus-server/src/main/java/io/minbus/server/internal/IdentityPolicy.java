package io.minbus.server.internal;

import io.minbus.identity.Identity;
import io.minbus.identity.Keys;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a connection is (docs/minbus.md §18): decided once, when the connection is set up, from what
 * its byte stream proves (a key from the secret handshake, a Unix user from {@code SO_PEERCRED}).
 *
 * @param keys        the server's key pair, if it has one (needed for {@code ~shs} listeners)
 * @param trustedUser the Unix user whose processes are trusted plugins (the server's own by default)
 */
public record IdentityPolicy(Optional<Keys> keys, String trustedUser) {
    public IdentityPolicy {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(trustedUser, "trustedUser");
    }

    /** No key pair; the processes of the user running this JVM are trusted. */
    public static IdentityPolicy defaults() {
        return new IdentityPolicy(Optional.empty(), System.getProperty("user.name", ""));
    }

    /** The server's identity, if it has a key pair. */
    public Optional<Identity> identity() {
        return keys.map(Keys::identity);
    }

    Standing standing(Io io) {
        Optional<Identity> proven = io.provenKey();
        if (proven.isPresent()) {
            return proven.equals(identity()) ? Standing.PLUGIN : Standing.PEER;
        }
        Optional<String> user = io.unixUser();
        if (user.isPresent()) {
            return user.get().equals(trustedUser) ? Standing.PLUGIN : Standing.REFUSED;
        }
        return Standing.PLUGIN; // in-process, or plain TCP (which the server allows on loopback only)
    }
}
