package io.minbus.client;

import java.time.Duration;
import java.util.Optional;

/**
 * An open connection stream (docs/minbus.md §7): first a {@link WatchEvent.Snapshot} of the named
 * plugins, then a {@link WatchEvent.Joined} or {@link WatchEvent.Left} for every change, in the
 * order the bus saw them. Applying the events to the snapshot always gives the current set. The bus
 * buffers a bounded backlog of events for a slow reader; beyond it the watch ends with {@link
 * WatchBacklogException}.
 *
 * <p>At most one watch is open per {@link MinBus}. Thread-safe.
 */
public interface Watch extends AutoCloseable {

    /**
     * The next event, waiting for it.
     *
     * @throws WatchBacklogException if the bus dropped this watch for falling behind
     * @throws BusGoneException if the connection is lost
     * @throws IllegalStateException if the watch is closed
     */
    WatchEvent next();

    /** The next event, or empty if none came within {@code timeout}. */
    Optional<WatchEvent> next(Duration timeout);

    /** Stops watching (cancels the stream) and lets the connection open another watch. Idempotent. */
    @Override
    void close();
}
