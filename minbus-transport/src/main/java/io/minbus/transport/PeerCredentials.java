package io.minbus.transport;

import java.util.Objects;

/**
 * Who is at the other end of a Unix domain socket, as the kernel reports it ({@code SO_PEERCRED}).
 *
 * @param user the peer process's user name (or numeric id if the name is unknown)
 * @param group the peer process's group name (or numeric id if the name is unknown)
 */
public record PeerCredentials(String user, String group) {

    /** Checks that both parts are present. */
    public PeerCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(group, "group");
    }
}
