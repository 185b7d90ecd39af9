package io.minbus.testkit;

import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.server.ServerStats;
import io.minbus.transport.BusAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real, started {@link MinBusServer} whose clients connect in memory (no socket file, no port):
 * the bus a plugin's tests run against.
 *
 * <pre>{@code
 * try (InMemoryBus bus = InMemoryBus.start()) {
 *     Plugin echo = bus.register("echo", 1);
 *     echo.onConnect(ch -> ch.send(ch.receive()));
 *     try (Channel ch = bus.client().connect("echo")) { ... }
 *     assertThat(bus.stats().openRelays()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Every {@link MinBus}, {@link Plugin} and {@link ScriptedPeer} made here is closed by {@link
 * #close()}, before the server. Thread-safe.
 */
public final class InMemoryBus implements AutoCloseable {
    private final MinBusServer server;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private boolean closed;

    private InMemoryBus(MinBusServer server) {
        this.server = server;
    }

    /** A bus with the default limits and one loop. */
    public static InMemoryBus start() {
        return builder().start();
    }

    /** A builder, for other limits, heartbeats or an additional listener. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A new in-memory connection to the bus, not registered yet: call {@link MinBus#register} on it,
     * or use it as a nameless client.
     */
    public MinBus client() {
        return track(MinBus.connect(server.connectInMemory()));
    }

    /**
     * A new connection with {@code name} registered at {@code version}.
     *
     * @throws io.minbus.client.NameTakenException if the name is held already
     */
    public Plugin register(String name, int version) {
        return client().register(name, version);
    }

    /** A raw peer over a new in-memory connection, preambles exchanged (see {@link ScriptedPeer#over}). */
    public ScriptedPeer scriptedPeer() {
        return track(ScriptedPeer.over(server.connectInMemory()).violationCounter(() -> server.stats().violations()));
    }

    /** The server's counters now. */
    public ServerStats stats() {
        return server.stats();
    }

    /** The limits in force. */
    public ServerLimits limits() {
        return server.limits();
    }

    /** The server itself (e.g. its {@link MinBusServer#addresses()} when a listener was added). */
    public MinBusServer server() {
        return server;
    }

    private <T extends AutoCloseable> T track(T value) {
        lock.lock();
        try {
            if (closed) {
                closeQuietly(value);
                throw new IllegalStateException("the in-memory bus is closed");
            }
            opened.add(value);
            return value;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every connection made here (newest first), then the server. Idempotent. */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(opened);
            opened.clear();
        } finally {
            lock.unlock();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            closeQuietly(toClose.get(i));
        }
        server.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // a test's connection may be broken already; closing it is best effort
        }
    }

    @Override
    public String toString() {
        return "InMemoryBus" + server.addresses();
    }

    /** Configures an {@link InMemoryBus}. */
    public static final class Builder {
        private final MinBusServer.Builder server = MinBusServer.builder().loops(1);

        private Builder() {}

        /** The server's limits; default {@link ServerLimits#defaults()}. */
        public Builder limits(ServerLimits value) {
            server.limits(Objects.requireNonNull(value, "limits"));
            return this;
        }

        /** Heartbeats of the server (docs/minbus.md §11). */
        public Builder heartbeat(Duration interval, Duration timeout) {
            server.heartbeat(interval, timeout);
            return this;
        }

        /** Selector loops; default 1. */
        public Builder loops(int value) {
            server.loops(value);
            return this;
        }

        /** Also listens on a real address, for child processes or the {@code minbus} CLI. */
        public Builder listen(BusAddress... addresses) {
            server.listen(addresses);
            return this;
        }

        /** Starts the bus. */
        public InMemoryBus start() {
            return new InMemoryBus(server.start());
        }
    }
}
