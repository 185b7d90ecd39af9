package io.minbus.host;

import io.minbus.client.BusGoneException;
import io.minbus.client.Channel;
import io.minbus.client.IncomingConnection;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transports;
import io.minbus.transport.internal.logging.LazyLogger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The plugin side of a launch (the plugin SDK): reads the launch environment, negotiates the
 * protocol version, connects to the bus ({@code MINBUS_ADDRESS}, or stdin/stdout in pipe mode),
 * registers under {@code MINBUS_PLUGIN_NAME}, answers the host's launch challenge ({@link
 * LaunchHandshake}) and watches the host. Then the plugin serves on {@link #plugin()} until the host
 * asks it to stop ({@link #awaitStop()}).
 *
 * <pre>{@code
 * try (PluginRuntime rt = PluginRuntime.builder().version(3).start()) {
 *     rt.plugin().onConnect(channel -> serve(channel));
 *     rt.awaitStop();
 * }
 * }</pre>
 *
 * {@link PluginMain#run} does the same and turns failures into a message and an exit status.
 */
public final class PluginRuntime implements AutoCloseable {

    private static final System.Logger LOG = LazyLogger.of("minbus.plugin");

    private final PluginEnvironment env;
    private final int protocolVersion;
    private final MinBus bus;
    private final Plugin plugin;
    private final Channel control;
    private final CompletableFuture<String> stop = new CompletableFuture<>();
    private final List<Runnable> stopHandlers = new CopyOnWriteArrayList<>();
    private final PluginEnvironment.HostWatch watch;
    private volatile boolean connectionLost;
    private volatile boolean closing;
    private final boolean pipes;

    private PluginRuntime(Builder b) {
        this.env = b.env != null ? b.env : PluginEnvironment.fromEnvironment();
        this.protocolVersion = env.negotiate(b.protocolVersions);
        this.pipes = env.address().equals(PluginEnvironment.PIPE_ADDRESS);
        MinBus connection;
        if (pipes) {
            System.setOut(System.err); // stdout carries the session now; stray prints go to the log
            connection = MinBus.connect(Transports.stdio());
        } else {
            BusAddress address;
            try {
                address = BusAddress.parse(env.address());
            } catch (IllegalArgumentException e) {
                throw new PluginException("MINBUS_ADDRESS='" + env.address() + "' is not a bus address: " + e.getMessage());
            }
            connection = MinBus.connect(address);
        }
        this.bus = connection;
        try {
            this.plugin = bus.register(env.pluginName(), b.version);
            this.control = handshake(b.handshakeTimeout);
        } catch (RuntimeException e) {
            bus.close();
            throw e;
        }
        Thread.ofVirtual().name("minbus-plugin-control").start(this::readControl);
        this.watch = b.watchHost ? env.watchHost(PluginEnvironment.DEFAULT_WATCH_INTERVAL, () -> {
            System.err.println("minbus plugin " + env.pluginName() + ": the host is gone; exiting");
            requestStop("the host is gone");
            Runtime.getRuntime().halt(0);
        }) : null;
    }

    /** A builder; {@link Builder#start()} connects. */
    public static Builder builder() {
        return new Builder();
    }

    /** The launch environment. */
    public PluginEnvironment environment() {
        return env;
    }

    /** The protocol version both sides speak. */
    public int protocolVersion() {
        return protocolVersion;
    }

    /** The bus connection, registered under {@code MINBUS_PLUGIN_NAME}. */
    public MinBus bus() {
        return bus;
    }

    /** The registered name: set {@link Plugin#onConnect} here to serve other plugins. */
    public Plugin plugin() {
        return plugin;
    }

    /** Runs {@code handler} (once, on a virtual thread) when the host asks this plugin to stop. */
    public void onStop(Runnable handler) {
        stopHandlers.add(Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Completes with the reason when the host asked this plugin to stop, or when the plugin lost its
     * bus connection or its host's control channel ({@link #connectionLost()}).
     */
    public CompletableFuture<String> stopRequested() {
        return stop.copy();
    }

    /** Waits until the host asks this plugin to stop (or the connection is lost, see {@link #connectionLost()}); returns the reason. */
    public String awaitStop() {
        return stop.join();
    }

    /**
     * True if the stop was not asked for: the bus went away (killed, crashed, restarted: this
     * plugin's connection ended), or the host's control channel ended without {@code MINBUS-STOP}
     * (the host's own connection to the bus was lost). Such a plugin should exit with a non-zero
     * status ({@link PluginMain#EXIT_CONNECTION_LOST}), so that a host restart policy ({@code
     * on-failure}) starts it again once the bus is back (docs/host.md section 5.1).
     */
    public boolean connectionLost() {
        return connectionLost;
    }

    /** Disconnects from the bus (which frees the name) and stops watching the host. */
    @Override
    public void close() {
        closing = true;
        if (watch != null) {
            watch.close();
        }
        bus.close();
    }

    private Channel handshake(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new PluginException("minbus plugin " + env.pluginName() + ": the host did not send its launch"
                        + " challenge within " + timeout.toSeconds() + "s of the registration");
            }
            Optional<IncomingConnection> incoming = plugin.accept(left);
            if (incoming.isEmpty()) {
                continue;
            }
            IncomingConnection in = incoming.get();
            if (!in.isNameless()) {
                in.deny(); // only the host's nameless connection may talk to us before the handshake
                continue;
            }
            Channel ch;
            try {
                ch = in.accept();
            } catch (MinBusException e) {
                continue;
            }
            try {
                Optional<ByteBuffer> first = ch.receive(left);
                String challenge = first.map(PluginRuntime::text).orElse("");
                if (!LaunchHandshake.isChallenge(challenge)) {
                    ch.close();
                    continue;
                }
                ch.send(ascii(LaunchHandshake.proof(env.secret(), challenge)));
                Optional<ByteBuffer> verdict = ch.receive(left);
                String v = verdict.map(PluginRuntime::text).orElse("");
                if (v.equals(LaunchHandshake.OK)) {
                    return ch;
                }
                ch.close();
                throw new PluginException("minbus plugin " + env.pluginName() + ": the host rejected the launch proof: "
                        + LaunchHandshake.deniedReason(v).orElse(v.isEmpty() ? "no verdict" : v));
            } catch (MinBusException e) {
                ch.close(); // that channel went away; wait for the next challenge
            }
        }
    }

    private void readControl() {
        try {
            while (true) {
                String m = text(control.receive());
                if (m.equals(LaunchHandshake.STOP)) {
                    requestStop("the host asked this plugin to stop");
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, "ignoring control message " + m);
            }
        } catch (MinBusException e) {
            if (closing) {
                return; // this plugin closed its own connection
            }
            if (pipes) {
                // in pipe mode the session is the host's pipe: its end is how the host says "stop" (it
                // closes stdin when stopping, possibly before MINBUS-STOP has come through), so it
                // cannot tell a lost bus from a stop request: a stop, as before (docs/host.md 5.1)
                requestStop("the session on stdin/stdout ended: " + e.getMessage());
                return;
            }
            if (e instanceof BusGoneException || !bus.isOpen()) {
                // the bus itself is gone: nothing is left to serve on, whatever watchHost says
                connectionLostStop("the connection to the bus was lost: " + e.getMessage());
            } else if (watch != null) {
                connectionLostStop("the host's control channel ended without a stop request: " + e.getMessage());
            }
        }
    }

    private void connectionLostStop(String reason) {
        if (!stop.isDone()) {
            connectionLost = true; // set before the stop completes, so that awaitStop() callers see it
            if (!requestStop(reason)) {
                connectionLost = false; // a stop request came first
            }
        }
    }

    private boolean requestStop(String reason) {
        if (stop.complete(reason)) {
            for (Runnable r : stopHandlers) {
                Thread.ofVirtual().start(r);
            }
            return true;
        }
        return false;
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.US_ASCII.decode(b).toString();
    }

    /** Configures a {@link PluginRuntime}. */
    public static final class Builder {
        private PluginEnvironment env;
        private int version;
        private List<Integer> protocolVersions = ProtocolVersions.SUPPORTED;
        private boolean watchHost = true;
        private Duration handshakeTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /** The version registered with the name (default 0). */
        public Builder version(int version) {
            if (version < 0 || version > 0xFFFF) {
                throw new IllegalArgumentException("a plugin version is 0..65535, not " + version);
            }
            this.version = version;
            return this;
        }

        /** The protocol versions this plugin speaks (default {@link ProtocolVersions#SUPPORTED}). */
        public Builder protocolVersions(List<Integer> versions) {
            this.protocolVersions = List.copyOf(versions);
            return this;
        }

        /** The launch environment (default {@link PluginEnvironment#fromEnvironment()}). */
        public Builder environment(PluginEnvironment env) {
            this.env = Objects.requireNonNull(env, "env");
            return this;
        }

        /**
         * Whether to exit when the host is gone (default true: {@link PluginEnvironment#watchHost()},
         * and a stop request when the control channel ends). False for plugins meant to outlive their
         * host and be re-adopted ({@link Host#reattach()}).
         */
        public Builder watchHost(boolean watch) {
            this.watchHost = watch;
            return this;
        }

        /** How long to wait for the host's challenge after registering (default 30 s). */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Connects, registers and answers the launch challenge.
         *
         * @throws NotLaunchedByHostException if the process was not started by a host
         * @throws ProtocolVersionException if the host and the plugin share no protocol version (names both)
         * @throws PluginException if the handshake failed; {@link MinBusException} if the bus refused or went away
         */
        public PluginRuntime start() {
            return new PluginRuntime(this);
        }
    }
}
