package io.minbus.host;

import io.minbus.client.MinBus;
import io.minbus.host.internal.BusHooks;
import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * <p>User guide: {@code docs/host.md}.
 */
public final class Host implements AutoCloseable {

    private final MinBusServer server;
    private final BusAddress address;
    private final MinBus bus;
    private final MinBus controlBus;
    private final BusHooks hooks;
    private final Launcher launcher;
    private final HostState state;
    private final Supplier<Transport> transports;
    private final List<HostedPlugin> hosted = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Host(MinBusServer server, BusAddress address, MinBus bus, MinBus controlBus, Supplier<Transport> transports,
            Consumer<Launcher.Builder> options, Path stateFile) {
        this.server = server;
        this.address = address;
        this.bus = bus;
        this.controlBus = controlBus;
        this.transports = transports;
        // the handshake and the control channels use a connection of their own, so that bus() can
        // still open its own channel to every plugin (one relay per pair, docs/minbus.md 8.6)
        this.hooks = new BusHooks(controlBus, transports).start();
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
        return state.reattach(bus);
    }

    /** The launcher, for plugins' states and {@link Launcher#plugins()}. */
    public Launcher launcher() {
        return launcher;
    }

    /** The host's own (nameless) connection to the bus. */
    public MinBus bus() {
        return bus;
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
            hooks.close();
            controlBus.close();
            bus.close();
            if (server != null) {
                server.close();
            }
        }
    }

    /** Stops nothing: forgets the plugins (they keep running) and closes the bus connection; for a host about to be replaced by one that {@link #reattach()}es. */
    public void detach() {
        hooks.close();
        controlBus.close();
        bus.close();
    }

    /** Builds a {@link Host}. */
    public static final class Builder {
        private MinBusServer running;
        private BusAddress attach;
        private Consumer<Launcher.Builder> options = b -> { };
        private Path stateFile;

        private Builder() {}

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
                    control = MinBus.connect(running.connectInMemory());
                    return new Host(null, running.addresses().get(0), bus, control, running::connectInMemory, options, stateFile);
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
                    control = MinBus.connect(server.connectInMemory());
                    return new Host(server, server.addresses().get(0), bus, control, server::connectInMemory, options, stateFile);
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
                control = MinBus.connect(a);
                return new Host(null, a, bus, control, () -> Transports.connect(a), options, stateFile);
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
