package io.minbus.client;

import java.io.Serial;

/**
 * The bus closed a {@link Watch} because its events were not taken fast enough and the backlog
 * exceeded the bus's {@code watch_backlog} ({@code 01 0a}, docs/minbus.md §7). Close it and open a
 * new watch: it starts again from a fresh snapshot.
 */
public final class WatchBacklogException extends MinBusException {
    @Serial private static final long serialVersionUID = 1L;

    public WatchBacklogException(String message) {
        super(message);
    }
}
