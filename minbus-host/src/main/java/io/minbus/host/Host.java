package io.minbus.host;

import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.host.internal.BusHooks;
import io.minbus.host.internal.Durations;
import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import io.minbus.transport.internal.logging.LazyLogger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A minbus host: a {@link Launcher} wired to a bus. Plugins it launches connect back to the bus,
 * register under their name and prove their launch secret (the launch handshake, {@link
 * LaunchHandshake}); only then is a start ready. Stopping asks a plugin over its control channel
 * before SIGTERM.
 *
 * <pre>{@code
 * try (Host host = Host.embedded()) {                       // a private bus in this JVM
 *     PluginProcess kv = host.launch(PluginSpec.of(Path.of("plugins/minbus-plugin-kv")));
 *     try (Channel ch = host.bus().connect("kv")) { ... }
 * }                                                          // stops the plugins, then the bus
 * }</pre>
 *
 * <p><b>When the bus goes away</b> (a host {@link #attach attached} to a bus in another process):
 * the host reconnects to the same address, with back-off ({@link Builder#reconnect}); its plugins
 * see the bus gone and exit (the SDK with status {@link PluginMain#EXIT_CONNECTION_LOST}), their
 * restart policy restarts them, and once the host's connection is back, plugins waiting out a
 * back-off are restarted at once ({@link Launcher#skipBackoff()}). {@link #bus()} is then a new
 * connection. A host with an embedded bus shares the bus's fate: nothing comes back after a crash
 * of its JVM. Details: docs/host.md section 5.1.
 *
 * <p>User guide: {@code docs/host.md}.
 */
public final class Host implements AutoCloseable {

    private static final System.Logger LOG = LazyLogger.of("minbus.host");

    /** Default first wait before reconnecting to a bus that went away. */
    public static final Duration DEFAULT_RECONNECT_INITIAL = Duration.ofMillis(100);
    /** Default longest wait between two attempts to reconnect. */
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(2);

    private final MinBusServer server;
    private final BusAddress address;
    private volatile MinBus bus;
    private volatile MinBus controlBus;
    private final BusHooks hooks;
    private final Launcher launcher;
    private final HostState state;
    private final Supplier<Transport> transports;
    private final List<HostedPlugin> hosted = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Opens a new connection to the bus, when the host reconnects after losing it; absent unless attached. */
    private final Optional<Supplier<MinBus>> reconnector;
    private final Duration reconnectInitial;
    private final Duration reconnectMax;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closing = lock.newCondition();
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    private volatile boolean closed;

    private Host(MinBusServer server, BusAddress address, MinBus bus, MinBus controlBus, Supplier<Transport> transports,
            Consumer<Launcher.Builder> options, Path stateFile, Optional<Supplier<MinBus>> reconnector,
            Duration reconnectInitial, Duration reconnectMax) {
        this.server = server;
        this.address = address;
        this.bus = bus;
        this.controlBus = controlBus;
        this.transports = transports;
        this.reconnector = reconnector;
        this.reconnectInitial = reconnectInitial;
        this.reconnectMax = reconnectMax;
        // the handshake and the control channels use a connection of their own, so that bus() can
        // still open its own channel to every plugin (one relay per pair, docs/minbus.md 8.6)
        this.hooks = new BusHooks(controlBus, transports);
        if (reconnector.isPresent()) {
            hooks.onConnectionLost(this::connectionLost);
        }
        hooks.start();
        this.state = stateFile == null ? null : new HostState(stateFile);
        Launcher.Builder b = Launcher.builder().address(address.toString());
        options.accept(b);
        b.readiness(hooks).stopHook(hooks);
        if (state != null) {
            hooks.onReady(state::ready, state::exited);
        }
        this.launcher = b.build();
    }

    /** A host with its own bus: {@link MinBusServer#embedded()} on a private Unix socket. */
    public static Host embedded() {
        return builder().build();
    }

    /** A host attached to the bus at {@code address} (started by someone else, e.g. {@code minbus serve}). */
    public static Host attach(BusAddress address) {
        return builder().attach(address).build();
    }

    /** A builder: by default an embedded bus and default launcher options. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Launches a plugin and waits until it connected, registered under its name and proved its
     * secret (see {@link Launcher#launch}).
     */
    public HostedPlugin launch(PluginSpec spec) {
        return hosted(launcher.launch(spec));
    }

    /** Starts a plugin without waiting for it (see {@link Launcher#start}). */
    public HostedPlugin start(PluginSpec spec) {
        return hosted(launcher.start(spec));
    }

    private HostedPlugin hosted(PluginProcess p) {
        HostedPlugin h = new HostedPlugin(p, transports);
        hosted.add(h);
        p.addStateListener((x, from, to) -> {
            if (to.isFinal()) {
                hosted.remove(h);
                h.closeSessions();
            }
        });
        return h;
    }

    /**
     * Re-adopts the plugins recorded in this host's state file by an earlier host (docs/host.md
     * section 15): those whose process is still alive (same pid and start time) and whose name is
     * registered on this host's bus. Entries that fail either check are dropped from the file.
     *
     * @throws IllegalStateException if this host has no state file
     */
    public List<AdoptedPlugin> reattach() {
        if (state == null) {
            throw new IllegalStateException("this host has no state file (Host.Builder.stateFile)");
        }
        return state.reattach(bus());
    }

    /** The launcher, for plugins' states and {@link Launcher#plugins()}. */
    public Launcher launcher() {
        return launcher;
    }

    /**
     * The host's own (nameless) connection to the bus. After the host reconnected to a restarted bus
     * (docs/host.md section 5.1) this is a new connection: the old one, and channels and proxies
     * opened on it, stay closed. An attached host also replaces this connection alone when it was
     * lost while the bus is still reachable (logged as a WARNING).
     */
    public MinBus bus() {
        MinBus b = bus;
        if (b.isOpen() || reconnector.isEmpty() || closed || reconnecting.get()) {
            return b;
        }
        // only this connection was lost (the control connection is fine, or its loss is not yet
        // reported): replace it, so that bus() stays usable while the bus is reachable
        MinBus fresh = null;
        try {
            fresh = reconnector.get().get();
            nameless(fresh);
        } catch (MinBusException e) {
            closeQuietly(fresh);
            return b; // the bus is not reachable: the caller gets the dead connection's BusGoneException
        }
        boolean swapped;
        lock.lock();
        try {
            swapped = !closed && bus == b;
            if (swapped) {
                bus = fresh;
            }
        } finally {
            lock.unlock();
        }
        if (!swapped) {
            fresh.close();
            return bus;
        }
        LOG.log(Level.WARNING, "the host's own connection to the bus at " + address + " (Host.bus()) was lost"
                + " while the bus is reachable; opened a new one (channels on the old one are gone)");
        b.close();
        return fresh;
    }

    /** The bus address plugins are given ({@code MINBUS_ADDRESS}). */
    public BusAddress address() {
        return address;
    }

    /** The embedded server, if this host runs its own bus. */
    public Optional<MinBusServer> server() {
        return Optional.ofNullable(server);
    }

    /** Stops every plugin, then closes the host's bus connection and the embedded bus (if any). */
    @Override
    public void close() {
        try {
            hosted.forEach(HostedPlugin::closeSessions);
            launcher.close();
        } finally {
            markClosed();
            hooks.close();
            closeConnections();
            if (server != null) {
                server.close();
            }
        }
    }

    /** Stops nothing: forgets the plugins (they keep running) and closes the bus connection; for a host about to be replaced by one that {@link #reattach()}es. */
    public void detach() {
        markClosed();
        hooks.close();
        closeConnections();
    }

    private void markClosed() {
        lock.lock();
        try {
            closed = true;
            closing.signalAll(); // wakes a reconnect loop waiting out its back-off
        } finally {
            lock.unlock();
        }
    }

    private void closeConnections() {
        MinBus c;
        MinBus b;
        lock.lock();
        try {
            c = controlBus;
            b = bus;
        } finally {
            lock.unlock();
        }
        c.close();
        b.close();
    }

    // ---- reconnecting to a bus that went away ----

    /** From the hooks, on a thread of its own, when the watch on the control connection failed. */
    private void connectionLost(MinBusException cause) {
        if (closed || !reconnecting.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.WARNING, "the host lost its connection to the bus at " + address + ": " + cause.getMessage()
                + "; reconnecting (first in " + Durations.text(reconnectInitial) + ", then backing off to every "
                + Durations.text(reconnectMax) + "); meanwhile its plugins exit and are restarted by their restart policy"
                + " (plugins without one stay stopped)");
        Thread.ofVirtual().name("minbus-host-reconnect").start(this::reconnectLoop);
    }

    private void reconnectLoop() {
        long started = System.nanoTime();
        Duration delay = reconnectInitial;
        int attempts = 0;
        while (true) {
            if (!waitUnlessClosed(delay)) {
                reconnecting.set(false);
                return;
            }
            attempts++;
            MinBus newControl = null;
            MinBus newBus = null;
            try {
                newControl = reconnector.orElseThrow().get();
                newBus = reconnector.orElseThrow().get();
                nameless(newBus);
                hooks.rebind(newControl);
            } catch (MinBusException e) {
                closeQuietly(newControl);
                closeQuietly(newBus);
                if (attempts == 1 || attempts % 10 == 0) {
                    String msg = "the bus at " + address + " is still not reachable (attempt " + attempts + ", "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms since the connection was lost): "
                            + e.getMessage();
                    LOG.log(Level.WARNING, msg);
                }
                delay = delay.multipliedBy(2).compareTo(reconnectMax) > 0 ? reconnectMax : delay.multipliedBy(2);
                continue;
            }
            MinBus oldControl;
            MinBus oldBus;
            boolean wasClosed;
            lock.lock();
            try {
                wasClosed = closed;
                oldControl = controlBus;
                oldBus = bus;
                if (!wasClosed) {
                    controlBus = newControl;
                    bus = newBus;
                }
            } finally {
                lock.unlock();
            }
            if (wasClosed) {
                newControl.close();
                newBus.close();
                reconnecting.set(false);
                return;
            }
            oldControl.close();
            oldBus.close();
            hosted.forEach(HostedPlugin::closeSessions); // proxies on the old bus are dead; dispense again
            int restartedNow = launcher.skipBackoff();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            int n = attempts;
            LOG.log(Level.INFO, () -> "the host reconnected to the bus at " + address + " after " + n + " attempt"
                    + (n == 1 ? "" : "s") + " (" + ms + " ms); " + restartedNow + " plugin" + (restartedNow == 1 ? "" : "s")
                    + " waiting out a restart back-off restarted now");
            reconnecting.set(false);
            // the new connection may have failed while this loop still held the flag: then go again
            if (closed || newControl.isOpen() || !reconnecting.compareAndSet(false, true)) {
                return;
            }
            started = System.nanoTime();
            delay = reconnectInitial;
            attempts = 0;
        }
    }

    /** Waits {@code delay} unless the host closes meanwhile; returns false if it is closed. */
    private boolean waitUnlessClosed(Duration delay) {
        long nanos = delay.toNanos();
        lock.lock();
        try {
            while (!closed && nanos > 0) {
                nanos = closing.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes a fresh connection a nameless client at once (its first query registers it as one): the
     * bus closes a connection that stays unregistered longer than its registration timeout (10 s by
     * default), and the application may not use {@link #bus()} for a long while.
     */
    private static MinBus nameless(MinBus b) {
        b.plugins();
        return b;
    }

    private static void closeQuietly(MinBus b) {
        if (b != null) {
            try {
                b.close();
            } catch (RuntimeException e) {
                // already gone
            }
        }
    }

    /** Builds a {@link Host}. */
    public static final class Builder {
        private MinBusServer running;
        private BusAddress attach;
        private Consumer<Launcher.Builder> options = b -> { };
        private Path stateFile;
        private Duration reconnectInitial = DEFAULT_RECONNECT_INITIAL;
        private Duration reconnectMax = DEFAULT_RECONNECT_MAX;

        private Builder() {}

        /**
         * How an {@link #attach attached} host reconnects after losing its connection to the bus (the
         * bus was killed, crashed or restarted): the first attempt after {@code initial} (default
         * 100ms), then doubling up to {@code max} (default 2s) between attempts, until the bus is back
         * or the host closes. Each attempt is one connect to the bus address (a failed connect to a
         * Unix socket costs microseconds).
         */
        public Builder reconnect(Duration initial, Duration max) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("reconnect back-off: initial must be positive and max at least initial, not "
                        + initial + " and " + max);
            }
            this.reconnectInitial = initial;
            this.reconnectMax = max;
            return this;
        }

        /** Attach to an existing bus instead of embedding one. */
        public Builder attach(BusAddress address) {
            this.attach = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Use a server already running in this JVM (plugins get its first address; the host's own
         * connections are in memory). The host does not close it.
         */
        public Builder server(MinBusServer server) {
            this.running = Objects.requireNonNull(server, "server");
            return this;
        }

        /** Launcher options (logging, listeners, verification, ...); the address and the hooks are the host's. */
        public Builder launcher(Consumer<Launcher.Builder> options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Records launched plugins (pid, start time, name, secret) in {@code file} (mode 0600), for {@link Host#reattach()}. */
        public Builder stateFile(Path file) {
            this.stateFile = file.toAbsolutePath();
            return this;
        }

        /** Starts the bus (if embedded), connects the host to it and builds the launcher. */
        public Host build() {
            if (running != null) {
                MinBus bus = MinBus.connect(running.connectInMemory());
                MinBus control = null;
                try {
                    nameless(bus);
                    control = MinBus.connect(running.connectInMemory());
                    return new Host(null, running.addresses().get(0), bus, control, running::connectInMemory, options, stateFile,
                            Optional.empty(), reconnectInitial, reconnectMax);
                } catch (RuntimeException e) {
                    if (control != null) {
                        control.close();
                    }
                    bus.close();
                    throw e;
                }
            }
            if (attach == null) {
                MinBusServer server = MinBusServer.embedded();
                MinBus bus = null;
                MinBus control = null;
                try {
                    bus = MinBus.connect(server.connectInMemory());
                    nameless(bus);
                    control = MinBus.connect(server.connectInMemory());
                    return new Host(server, server.addresses().get(0), bus, control, server::connectInMemory, options, stateFile,
                            Optional.empty(), reconnectInitial, reconnectMax);
                } catch (RuntimeException e) {
                    if (control != null) {
                        control.close();
                    }
                    if (bus != null) {
                        bus.close();
                    }
                    server.close();
                    throw e;
                }
            }
            BusAddress a = attach;
            MinBus bus = MinBus.connect(a);
            MinBus control = null;
            try {
                nameless(bus);
                control = MinBus.connect(a);
                return new Host(null, a, bus, control, () -> Transports.connect(a), options, stateFile,
                        Optional.of(() -> MinBus.connect(a)), reconnectInitial, reconnectMax);
            } catch (RuntimeException e) {
                if (control != null) {
                    control.close();
                }
                bus.close();
                throw e;
            }
        }
    }
}
