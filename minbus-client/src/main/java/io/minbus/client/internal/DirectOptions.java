package io.minbus.client.internal;

import io.minbus.mux.SessionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a connection takes part in direct connections (docs/minbus.md §19), from {@code
 * MinBus.Builder}: whether it accepts them, where its socket lives, its bounds, and the session
 * configuration of its direct sessions.
 *
 * @param accept         answer the bus's direct questions with an offer
 * @param directory      the socket's directory; empty: the per-user default
 * @param maxSessions    direct sessions open at once, counting those still checking their ticket
 * @param maxTickets     tickets issued and not yet used or expired
 * @param ticketLifetime how long a ticket is valid after it was issued
 * @param session        the session configuration of direct sessions
 */
public record DirectOptions(boolean accept, Optional<Path> directory, int maxSessions, int maxTickets,
        Duration ticketLifetime, SessionConfig session) {
    /** Default {@code max_direct_sessions}. */
    public static final int DEFAULT_SESSIONS = 64;
    /** Default {@code max_pending_tickets}. */
    public static final int DEFAULT_TICKETS = 16;
    /** Default ticket lifetime. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(5);

    public DirectOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(session, "session");
        if (maxSessions < 1 || maxTickets < 1) {
            throw new IllegalArgumentException("direct limits must be at least 1 (sessions " + maxSessions
                    + ", tickets " + maxTickets + ")");
        }
        if (ticketLifetime.isNegative() || ticketLifetime.isZero()) {
            throw new IllegalArgumentException("the ticket lifetime must be positive, not " + ticketLifetime);
        }
        directory.ifPresent(d -> {
            if (!d.isAbsolute()) {
                throw new IllegalArgumentException("the direct socket directory must be absolute, not " + d);
            }
        });
    }

    /** Not accepting; default bounds. */
    public static DirectOptions defaults() {
        return new DirectOptions(false, Optional.empty(), DEFAULT_SESSIONS, DEFAULT_TICKETS, DEFAULT_LIFETIME,
                SessionConfig.defaults());
    }

    public DirectOptions withAccept(boolean value) {
        return new DirectOptions(value, directory, maxSessions, maxTickets, ticketLifetime, session);
    }

    public DirectOptions withDirectory(Path value) {
        // absolute: the socket's path goes to initiators that may run in another directory (§19.4)
        return new DirectOptions(accept, Optional.of(value.toAbsolutePath()), maxSessions, maxTickets, ticketLifetime, session);
    }

    public DirectOptions withLimits(int sessions, int tickets, Duration lifetime) {
        return new DirectOptions(accept, directory, sessions, tickets, lifetime, session);
    }

    public DirectOptions withSession(SessionConfig value) {
        return new DirectOptions(accept, directory, maxSessions, maxTickets, ticketLifetime, value);
    }

    /** The directory: the configured one, else {@code $XDG_RUNTIME_DIR/minbus/direct}, else {@code /tmp/minbus-$USER/direct}. */
    Path socketDirectory() {
        if (directory.isPresent()) {
            return directory.get();
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "minbus", "direct");
        }
        return Path.of("/tmp", "minbus-" + System.getProperty("user.name", "user"), "direct");
    }
}
