package io.minbus.client.internal;

import io.minbus.client.BusGoneException;
import io.minbus.client.MinBusException;
import io.minbus.client.Watch;
import io.minbus.client.WatchBacklogException;
import io.minbus.client.WatchEvent;
import io.minbus.mux.EndedException;
import io.minbus.mux.MuxException;
import io.minbus.mux.Stream;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.Event;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.PluginList;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/** A connection stream (docs/minbus.md §7): the snapshot message, then one event per message. */
final class ConnectionStream implements Watch {
    private final ClientConnection bus;
    private final Stream stream;
    /** A keyed connection stream (docs/minbus.md §18.8). */
    private final boolean keyed;
    /** Held while taking and decoding a message, so that the snapshot is decoded as one. */
    private final ReentrantLock reading = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private boolean snapshotSeen;

    ConnectionStream(ClientConnection bus, Stream stream, boolean keyed) {
        this.bus = bus;
        this.stream = stream;
        this.keyed = keyed;
    }

    @Override
    public WatchEvent next() {
        return next(-1).orElseThrow();
    }

    @Override
    public Optional<WatchEvent> next(Duration timeout) {
        return next(Math.max(0, timeout.toNanos()));
    }

    private Optional<WatchEvent> next(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        reading.lock();
        try {
            while (true) {
                if (closed.get()) {
                    throw new IllegalStateException("this watch is closed");
                }
                Optional<ByteBuffer> message = timeoutNanos < 0 ? Optional.of(stream.receive())
                        : stream.receive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (message.isEmpty()) {
                    return Optional.empty();
                }
                WatchEvent event = decode(message.get());
                if (event != null) {
                    return Optional.of(event);
                }
            }
        } catch (EndedException e) {
            streamEnded();
            throw endedByBus(e);
        } catch (MuxException e) {
            streamEnded();
            throw bus.failure(e, "watching");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("this watch is closed", e);
        } finally {
            reading.unlock();
        }
    }

    /** The event in a message; null for a malformed event, which is reported and skipped (§7). */
    private WatchEvent decode(ByteBuffer message) {
        if (!snapshotSeen) {
            snapshotSeen = true;
            try {
                return keyed ? KeyedWatch.snapshot(message) : new WatchEvent.Snapshot(PluginList.decode(message).plugins());
            } catch (MalformedPayloadException | IllegalArgumentException e) {
                close();
                throw new MinBusException("the bus at " + bus.description() + " sent a malformed snapshot: "
                        + e.getMessage(), e);
            }
        }
        try {
            if (keyed) {
                return KeyedWatch.event(message);
            }
            Event event = Event.decode(message);
            return switch (event.kind()) {
                case JOINED -> new WatchEvent.Joined(event.plugin());
                case LEFT -> new WatchEvent.Left(event.plugin());
            };
        } catch (MalformedPayloadException | IllegalArgumentException e) {
            ClientConnection.LOG.log(Level.WARNING, "minbus client: skipped an event: " + e.getMessage());
            return null;
        }
    }

    private RuntimeException endedByBus(EndedException e) {
        ErrorPayload error = Failures.errorPayload(e.reason());
        return switch (error.reason()) {
            case WATCH_BACKLOG -> new WatchBacklogException("the bus at " + bus.description() + " dropped this watch:"
                    + " its events were not taken fast enough (more than watch_backlog bytes queued); close it and"
                    + " open a new watch, which starts from a fresh snapshot");
            case UNEXPECTED -> new MinBusException("the bus at " + bus.description() + " refused this watch: another"
                    + " watch is open on this connection (one at a time, docs/minbus.md §7)");
            case SHUTDOWN -> new BusGoneException("the bus at " + bus.description() + " is shutting down", e);
            default -> new MinBusException("the bus at " + bus.description() + " ended this watch (" + error + ")");
        };
    }

    private void streamEnded() {
        if (ended.compareAndSet(false, true)) {
            bus.watchEnded();
        }
    }

    /** The listener variant: hands events to {@code onEvent} until closed or failed. */
    void deliver(Consumer<WatchEvent> onEvent, Consumer<MinBusException> onFailure) {
        while (!closed.get()) {
            WatchEvent event;
            try {
                event = next();
            } catch (MinBusException e) {
                if (!closed.get()) {
                    onFailure.accept(e);
                }
                return;
            } catch (IllegalStateException e) {
                return; // closed
            }
            try {
                onEvent.accept(event);
            } catch (RuntimeException e) {
                ClientConnection.LOG.log(Level.WARNING, "minbus client: a watch listener failed on " + event, e);
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                stream.cancel(ClientConnection.EMPTY.duplicate());
            } catch (MuxException e) {
                // the connection is gone: nothing to cancel
            }
            streamEnded();
        }
    }

    @Override
    public String toString() {
        return "Watch[on " + bus.description() + "]";
    }
}
