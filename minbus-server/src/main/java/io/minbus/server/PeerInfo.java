package io.minbus.server;

import java.util.Objects;
import java.util.Optional;

/**
 * What the server knows of a connection's peer when it registers (for a {@link ProcessResolver}).
 *
 * @param connectionId the server's number for the connection (as in its logs, {@code connection#7})
 * @param description  where it comes from: {@code unix:/path}, {@code net:127.0.0.1:40123}, {@code memory:3}
 * @param unixUser     the peer's user as the kernel reports it on a Unix socket ({@code SO_PEERCRED})
 */
public record PeerInfo(long connectionId, String description, Optional<String> unixUser) {
    public PeerInfo {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(unixUser, "unixUser");
    }
}
