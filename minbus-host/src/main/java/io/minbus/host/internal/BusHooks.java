package io.minbus.host.internal;

import io.minbus.client.Channel;
import io.minbus.client.ChannelBrokenException;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.ConnectionRefusedException;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.host.Launch;
import io.minbus.host.LaunchHandshake;
import io.minbus.host.PluginException;
import io.minbus.host.Readiness;
import io.minbus.host.StopHook;
import io.minbus.protocol.PluginInfo;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import io.minbus.transport.internal.logging.LazyLogger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The bus half of a host: {@link Readiness} through the launch handshake ({@link LaunchHandshake})
 * and {@link StopHook} through the control channel. Watches registrations on the host's own
 * (nameless) bus connection; when a launched plugin's name registers it connects to it, challenges
 * it, and completes the launch's readiness with the verdict. In pipe mode it also bridges the
 * plugin's stdin and stdout into the bus.
 */
public final class BusHooks implements Readiness, StopHook, AutoCloseable {

    private static final System.Logger LOG = LazyLogger.of("minbus.host");

    private final Supplier<Transport> busTransports;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Launch, Channel> controls = new ConcurrentHashMap<>();
    /** The connection in use and what its watch saw; replaced by {@link #rebind} after a reconnect. */
    private volatile Generation current;
    private volatile boolean closed;
    private volatile java.util.function.Consumer<MinBusException> onConnectionLost;
    private volatile java.util.function.Consumer<Launch> onReady = l -> { };
    private volatile java.util.function.Consumer<Launch> onExit = l -> { };

    /** One bus connection and its watch: events of an older generation are ignored. */
    private static final class Generation {
        final MinBus bus;
        final Set<String> registered = ConcurrentHashMap.newKeySet();
        final CompletableFuture<Void> snapshot = new CompletableFuture<>();
        volatile Watch watch;

        Generation(MinBus bus) {
            this.bus = bus;
        }
    }

    private static final class Pending {
        final Launch launch;
        final String secret;
        final CompletableFuture<Channel> ready = new CompletableFuture<>();
        final AtomicBoolean busy = new AtomicBoolean();
        /** A registration of the name came while a challenge ran: challenge again when it ends. */
        final AtomicBoolean again = new AtomicBoolean();

        Pending(Launch launch, String secret) {
            this.launch = launch;
            this.secret = secret;
        }
    }

    /**
     * @param bus the host's own connection to the bus (it must not be registered; the hooks make it a nameless client)
     * @param busTransports opens a new byte stream to the bus, for pipe-mode plugins
     */
    public BusHooks(MinBus bus, Supplier<Transport> busTransports) {
        this.current = new Generation(bus);
        this.busTransports = busTransports;
    }

    /**
     * Called (on a new thread) when the watch on the bus fails while the hooks are open: the host's
     * connection to the bus is gone. With such a handler, launches waiting for their plugin's
     * registration keep waiting (a later {@link #rebind} challenges them on the new connection)
     * instead of failing; without one (the default), they fail at once.
     */
    public void onConnectionLost(java.util.function.Consumer<MinBusException> handler) {
        this.onConnectionLost = handler;
    }

    /** Listeners for launches that became ready (passed the handshake) and for their exits. */
    public void onReady(java.util.function.Consumer<Launch> ready, java.util.function.Consumer<Launch> exited) {
        this.onReady = ready;
        this.onExit = exited;
    }

    /** Starts watching registrations; returns once the first snapshot arrived. */
    public BusHooks start() {
        watchOn(current);
        return this;
    }

    /**
     * Moves the hooks to a new connection to the bus (after the old one was lost): watches
     * registrations there and waits for the first snapshot; launches waiting for their plugin are
     * challenged on the new connection. Control channels of plugins made ready on the old connection
     * are broken and stay so (those plugins exit, docs/host.md section 5.1).
     *
     * @throws MinBusException if the new connection fails before the snapshot arrived
     */
    public void rebind(MinBus bus) {
        Generation g = new Generation(bus);
        Generation old = current;
        current = g;
        Watch w = old.watch;
        if (w != null) {
            w.close();
        }
        watchOn(g);
    }

    /** The connection the hooks use now. */
    public MinBus bus() {
        return current.bus;
    }

    private void watchOn(Generation g) {
        g.watch = g.bus.watch(e -> onEvent(g, e), f -> onWatchFailure(g, f));
        try {
            g.snapshot.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof MinBusException m) {
                throw m;
            }
            throw e;
        }
    }

    // ---- Readiness ----

    @Override
    public CompletionStage<?> awaitReady(Launch launch) {
        return awaitReady(launch, launch.secret());
    }

    /** Readiness for a launch whose secret is given separately (a reattached plugin). */
    public CompletableFuture<Channel> awaitReady(Launch launch, String secret) {
        Pending p = new Pending(launch, secret);
        Pending old = pending.put(launch.name(), p);
        if (old != null) {
            old.ready.completeExceptionally(new PluginException("superseded by a newer start of '" + launch.name() + "'"));
        }
        launch.pipes().ifPresent(pipes -> bridge(launch, pipes));
        launch.exit().whenComplete((code, err) -> {
            pending.remove(launch.name(), p);
            // the readiness stage is left alone: the supervisor reports the exit (code, stderr tail)
            Channel c = controls.remove(launch);
            if (c != null) {
                c.close();
                onExit.accept(launch);
            }
        });
        Generation g = current;
        if (g.registered.contains(launch.name())) {
            challenge(g, p);
        }
        return p.ready;
    }

    // ---- StopHook ----

    @Override
    public boolean requestStop(Launch launch) {
        Channel c = controls.get(launch);
        if (c == null || c.isBroken()) {
            return false;
        }
        try {
            return c.trySend(ascii(LaunchHandshake.STOP));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The control channel of a ready launch, if it is still open. */
    public Optional<Channel> control(Launch launch) {
        return Optional.ofNullable(controls.get(launch));
    }

    /** Forgets a launch's control channel (a reattached plugin that was released). */
    public void forget(Launch launch) {
        Channel c = controls.remove(launch);
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        Watch w = current.watch;
        if (w != null) {
            w.close();
        }
        controls.values().forEach(Channel::close);
        controls.clear();
    }

    // ---- the handshake ----

    private void onEvent(Generation g, WatchEvent e) {
        if (g != current) {
            return; // a watch on a connection the hooks no longer use
        }
        switch (e) {
            case WatchEvent.Snapshot s -> {
                for (PluginInfo info : s.plugins()) {
                    g.registered.add(info.name());
                }
                g.snapshot.complete(null);
                pending.values().forEach(p -> {
                    if (g.registered.contains(p.launch.name())) {
                        challenge(g, p);
                    }
                });
            }
            case WatchEvent.Joined j -> {
                g.registered.add(j.plugin().name());
                Pending p = pending.get(j.plugin().name());
                if (p != null) {
                    challenge(g, p);
                }
            }
            case WatchEvent.Left l -> g.registered.remove(l.plugin().name());
        }
    }

    private void onWatchFailure(Generation g, MinBusException e) {
        g.snapshot.completeExceptionally(e);
        if (g != current || closed) {
            return;
        }
        g.registered.clear(); // what that watch saw is no longer known
        java.util.function.Consumer<MinBusException> handler = onConnectionLost;
        if (handler != null) {
            // launches waiting for a registration keep waiting: the host reconnects and rebinds
            Thread.ofVirtual().name("minbus-host-connection-lost").start(() -> handler.accept(e));
            return;
        }
        LOG.log(Level.WARNING, "the host lost its watch on the bus: " + e.getMessage());
        pending.values().forEach(p -> p.ready.completeExceptionally(
                new PluginException("the host lost its connection to the bus: " + e.getMessage(), e)));
    }

    /**
     * Challenges the holder of the launch's name, unless a challenge runs already; then that one
     * challenges again when it ends without a verdict. Without this, a plugin relaunched under the
     * name of one that had just exited was never challenged: the challenge aimed at the old holder
     * failed after the new one's registration had been seen and dropped, and the start hung until
     * its timeout.
     */
    private void challenge(Generation g, Pending p) {
        if (p.ready.isDone()) {
            return;
        }
        p.again.set(true);
        if (!p.busy.compareAndSet(false, true)) {
            return; // the running challenge sees the flag when it ends
        }
        p.again.set(false);
        Thread.ofVirtual().name("minbus-host-challenge-" + p.launch.name()).start(() -> {
            try {
                runChallenge(g, p);
            } finally {
                p.busy.set(false);
                if (p.again.getAndSet(false) && g == current && g.registered.contains(p.launch.name())) {
                    challenge(g, p);
                }
            }
        });
    }

    private void runChallenge(Generation g, Pending p) {
        String name = p.launch.name();
        Channel ch;
        try {
            ch = g.bus.connect(name);
        } catch (ConnectionRefusedException e) {
            return; // it left again, or denied us: the next registration of the name tries again
        } catch (MinBusException e) {
            if (lostAndReconnecting(g)) {
                return; // the host's connection is gone: the plugin is challenged again on the new one
            }
            p.ready.completeExceptionally(new PluginException("the host could not connect to plugin '" + name
                    + "' for the launch handshake: " + e.getMessage(), e));
            return;
        }
        boolean keep = false;
        try {
            String challenge = LaunchHandshake.newChallenge();
            ch.send(ascii(challenge));
            Duration timeout = p.launch.spec().startTimeout();
            Optional<ByteBuffer> answer = ch.receive(timeout);
            if (answer.isEmpty()) {
                p.ready.completeExceptionally(new PluginException("plugin '" + name + "' registered but did not answer"
                        + " the launch challenge within " + Durations.text(timeout) + " (see docs/host.md section 8)"));
                return;
            }
            String proof = text(answer.get());
            if (!LaunchHandshake.verify(p.secret, challenge, proof)) {
                String why = proof.startsWith(LaunchHandshake.PROOF_PREFIX)
                        ? "its proof does not match the secret the host gave it (MINBUS_PLUGIN_SECRET)"
                        : "it answered the challenge with something that is not a proof";
                trySend(ch, LaunchHandshake.DENIED_PREFIX + why);
                p.ready.completeExceptionally(new PluginException("plugin '" + name + "' failed the launch handshake: " + why
                        + "; the process registered as '" + name + "' is not the one the host started, or it computes the"
                        + " proof wrongly (HMAC-SHA256, docs/host.md section 8); the host stopped pid " + p.launch.pid()));
                return;
            }
            ch.send(ascii(LaunchHandshake.OK));
            controls.put(p.launch, ch);
            keep = true;
            try {
                onReady.accept(p.launch); // before the start is reported ready: launch() returns after this
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "[" + name + "] could not record the plugin in the host state file: " + e.getMessage());
            }
            if (!p.ready.complete(ch) || p.launch.exit().toCompletableFuture().isDone()) {
                controls.remove(p.launch, ch);
                keep = false;
                onExit.accept(p.launch);
            }
        } catch (ChannelClosedException | ChannelBrokenException e) {
            // the plugin (or whoever holds the name) closed the channel, or went away: if the launched
            // process is still there, the next registration tries again; if not, its exit fails the start
            LOG.log(Level.DEBUG, () -> "launch handshake with '" + name + "' ended early: " + e.getMessage());
        } catch (MinBusException e) {
            if (lostAndReconnecting(g)) {
                return; // as above: a plugin still running is challenged again after the reconnect
            }
            p.ready.completeExceptionally(new PluginException("the launch handshake with plugin '" + name
                    + "' failed: " + e.getMessage(), e));
        } finally {
            if (!keep) {
                ch.close();
            }
        }
    }

    /** True if {@code g}'s connection is gone and the host reconnects (rather than failing launches). */
    private boolean lostAndReconnecting(Generation g) {
        return onConnectionLost != null && !closed && (g != current || !g.bus.isOpen());
    }

    // ---- pipe mode ----

    private void bridge(Launch launch, Launch.Pipes pipes) {
        Transport plugin = Transports.pipes(pipes.fromPlugin(), pipes.toPlugin(), "pipe:plugin-" + launch.name());
        Transport toBus;
        try {
            toBus = busTransports.get();
        } catch (RuntimeException e) {
            plugin.close();
            throw e;
        }
        Thread.ofVirtual().name("minbus-host-pipe-" + launch.name() + "-out").start(() -> pump(plugin, toBus));
        Thread.ofVirtual().name("minbus-host-pipe-" + launch.name() + "-in").start(() -> pump(toBus, plugin));
        launch.exit().whenComplete((code, err) -> {
            toBus.close();
            plugin.close();
        });
    }

    private static void pump(Transport from, Transport to) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (true) {
                buf.clear();
                int n = from.read(buf);
                if (n < 0) {
                    break;
                }
                buf.flip();
                to.write(buf);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "pipe bridge " + from.description() + " -> " + to.description() + " ended: " + e.getMessage());
        } finally {
            to.shutdownOutput();
        }
    }

    // ---- helpers ----

    private static void trySend(Channel ch, String message) {
        try {
            ch.trySend(ascii(message));
        } catch (RuntimeException e) {
            // the verdict is a courtesy; the process is stopped either way
        }
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static String text(ByteBuffer b) {
        return StandardCharsets.US_ASCII.decode(b).toString();
    }
}
