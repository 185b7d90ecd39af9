package io.minbus.client.internal;

import io.minbus.client.BusGoneException;
import io.minbus.client.BusUnreachableException;
import io.minbus.client.Channel;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.mux.BrokenException;
import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.MuxException;
import io.minbus.mux.Session;
import io.minbus.mux.SessionConfig;
import io.minbus.mux.Stream;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.Transports;
import io.minbus.transport.internal.logging.LazyLogger;
import io.minbus.wire.ProtocolViolationException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One connection to the bus: a {@link Session} plus the Min-Bus state of docs/minbus.md §1
 * (unregistered, registered with or without a name, closed). Registration runs under {@link #lock};
 * everything after it runs concurrently on the session.
 */
public final class ClientConnection implements MinBus {
    static final Logger LOG = LazyLogger.of("minbus.client");
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** How long {@link #close()} waits for the bus to confirm it has read what we sent. */
    private static final Duration FLUSH_ON_CLOSE = Duration.ofSeconds(2);
    /** How many {@code onConnect} handlers of one connection may run on platform threads at once by default: no limit of its own. */
    public static final int DEFAULT_PLATFORM_HANDLERS = HandlerThreads.UNLIMITED;

    private enum State { FRESH, NAMED, NAMELESS, REFUSED }

    private final Session session;
    private final String description;
    private final Duration answerTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean watching = new AtomicBoolean();
    private volatile State state = State.FRESH;
    /** Created before the registration is sent, so that no incoming connection can miss it. */
    private volatile NamedPlugin plugin;
    /** Direct connections (docs/minbus.md §19), as initiator and as target. */
    private final Direct direct = new Direct(this);
    /** Runs {@code onConnect} handlers given no executor; set once, before registration. */
    private volatile HandlerThreads handlerThreads = new HandlerThreads(DEFAULT_PLATFORM_HANDLERS);

    private ClientConnection(Session session, String description, Duration answerTimeout) {
        this.session = session;
        this.description = description;
        this.answerTimeout = answerTimeout;
    }

    /**
     * Connects to {@code address} and starts the session.
     *
     * @param defaulted true if the address is the default one (MINBUS_ADDRESS or the per-user socket)
     */
    public static MinBus open(BusAddress address, boolean defaulted, SessionConfig config, Duration answerTimeout) {
        Transport transport;
        try {
            transport = Transports.connect(address);
        } catch (TransportException e) {
            String hint = !defaulted ? ""
                    : System.getenv(BusAddress.ENVIRONMENT_VARIABLE) != null
                            ? " (the address comes from " + BusAddress.ENVIRONMENT_VARIABLE + ")"
                            : " (the per-user default address; set " + BusAddress.ENVIRONMENT_VARIABLE
                                    + " to use another bus)";
            throw new BusUnreachableException(address.toString(), e.getMessage() + hint, e);
        }
        return start(transport, address.toString(), config, answerTimeout);
    }

    /** Starts the session over a connected transport. */
    public static MinBus open(Transport transport, SessionConfig config, Duration answerTimeout) {
        return start(transport, transport.description(), config, answerTimeout);
    }

    private static MinBus start(Transport transport, String description, SessionConfig config, Duration answerTimeout) {
        Session session;
        try {
            session = Session.start(transport, config);
        } catch (ProtocolViolationException e) {
            throw new BusUnreachableException(description, "the peer at " + description + " is not a minbus bus"
                    + " this client can talk to: " + e.getMessage() + "; check the address", e);
        } catch (BrokenException e) {
            throw new BusUnreachableException(description, "the bus at " + description + " closed the connection"
                    + " before its preamble (the bus is full, or it is not a minbus bus): " + e.getMessage(), e);
        }
        ClientConnection c = new ClientConnection(session, description, answerTimeout);
        Thread.ofVirtual().name("minbus-dispatch-" + description).start(new Dispatcher(c, session, () -> c.plugin));
        return c;
    }

    // ------------------------------------------------------------------ registration (§4)

    @Override
    public Plugin register(String name, int version) {
        return register(Registration.named(name, version));
    }

    @Override
    public Plugin register(String name, int version, io.minbus.protocol.Visibility visibility) {
        return register(Registration.named(name, version).withVisibility(visibility));
    }

    @Override
    public Plugin register(String name, int version, io.minbus.client.VisibilityPolicy policy) {
        java.util.Objects.requireNonNull(policy, "policy");
        return register(Registration.named(name, version).withVisibility(io.minbus.protocol.Visibility.EXPLICIT),
                java.util.Optional.of(policy));
    }

    private Plugin register(Registration registration) {
        return register(registration, java.util.Optional.empty());
    }

    private Plugin register(Registration registration, java.util.Optional<io.minbus.client.VisibilityPolicy> policy) {
        String name = registration.name();
        lock.lock();
        try {
            checkNotClosed();
            if (state != State.FRESH) {
                throw new IllegalStateException("cannot register \"" + name + "\": this connection is already "
                        + (state == State.NAMED ? "registered as \"" + plugin.name() + "\""
                                : "registered as a nameless client (by an earlier plugins(), watch() or connect())")
                        + "; register must come first, and one connection holds one registration:"
                        + " open another MinBus for another name");
            }
            NamedPlugin p = new NamedPlugin(this, registration.plugin().orElseThrow(), policy);
            plugin = p;
            try {
                registerAs(registration);
            } catch (RuntimeException e) {
                plugin = null;
                throw e;
            }
            state = State.NAMED;
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** Registers as a nameless client unless registered already. */
    void ensureRegistered() {
        State s = state;
        if (s == State.NAMED || s == State.NAMELESS) {
            return;
        }
        lock.lock();
        try {
            checkNotClosed();
            if (state == State.FRESH) {
                registerAs(Registration.nameless(0));
                state = State.NAMELESS;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends the registration and waits for the result (lock held); a failure leaves the connection closed. */
    private void registerAs(Registration registration) {
        try {
            Registrar.register(session, registration, description, answerTimeout);
        } catch (RuntimeException e) {
            state = State.REFUSED;
            throw e;
        }
    }

    // ------------------------------------------------------------------ query (§6), watch (§7)

    @Override
    public List<PluginInfo> plugins() {
        ensureRegistered();
        ByteBuffer response;
        try {
            response = session.request(EMPTY.duplicate()).await();
        } catch (EndedException e) {
            ErrorPayload error = Failures.errorPayload(e.reason());
            if (error.reason() == Reason.NO_RESOURCES) {
                throw new MinBusException("the bus at " + description + " refused the plugin query: too many"
                        + " queries are pending on this connection (its max_pending_queries); wait for one to finish");
            }
            throw new MinBusException("the bus at " + description + " refused the plugin query (" + error + ")");
        } catch (BrokenException e) {
            throw failure(e, "listing the plugins");
        }
        try {
            return PluginList.decode(response).plugins();
        } catch (MalformedPayloadException e) {
            throw new MinBusException("the bus at " + description + " sent a malformed plugin list: " + e.getMessage(), e);
        }
    }

    @Override
    public List<io.minbus.client.KeyedPlugin> pluginsWithKeys() {
        ensureRegistered();
        ByteBuffer response;
        try {
            response = session.request(ByteBuffer.wrap(new byte[] {io.minbus.protocol.KeyedPluginList.QUERY})).await();
        } catch (EndedException e) {
            throw new MinBusException("the bus at " + description + " refused the keyed plugin query ("
                    + Failures.errorPayload(e.reason()) + "); a bus older than docs/minbus.md §18.6 does not know it");
        } catch (BrokenException e) {
            throw failure(e, "listing the plugins with their keys");
        }
        try {
            List<io.minbus.client.KeyedPlugin> out = new java.util.ArrayList<>();
            for (io.minbus.protocol.KeyedPluginList.Entry e : io.minbus.protocol.KeyedPluginList.decode(response).entries()) {
                out.add(new io.minbus.client.KeyedPlugin(e.plugin(), e.key().map(io.minbus.identity.Identity::fromBase64)));
            }
            return List.copyOf(out);
        } catch (MalformedPayloadException | IllegalArgumentException e) {
            throw new MinBusException("the bus at " + description + " sent a malformed keyed plugin list: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Watch watch() {
        return watch(false);
    }

    @Override
    public Watch watchWithKeys() {
        return watch(true);
    }

    private Watch watch(boolean keyed) {
        ensureRegistered();
        if (!watching.compareAndSet(false, true)) {
            throw new IllegalStateException("a watch is already open on this connection (one at a time,"
                    + " docs/minbus.md §7); close it first, or watch from another MinBus connection");
        }
        try {
            Stream stream = session.openStream(keyed
                    ? ByteBuffer.wrap(new byte[] {io.minbus.protocol.KeyedPluginList.STREAM}) : EMPTY.duplicate());
            return new ConnectionStream(this, stream, keyed);
        } catch (MuxException e) {
            watching.set(false);
            throw failure(e, "opening a watch");
        }
    }

    @Override
    public Watch watch(Consumer<WatchEvent> onEvent, Consumer<MinBusException> onFailure) {
        ConnectionStream watch = (ConnectionStream) watch();
        Thread.ofVirtual().name("minbus-watch-" + description).start(() -> watch.deliver(onEvent, onFailure));
        return watch;
    }

    /** The watch's stream ended; another may be opened. */
    void watchEnded() {
        watching.set(false);
    }

    // ------------------------------------------------------------------ connect (§8)

    @Override
    public Channel connect(String name) {
        return connect(ConnectRequest.to(name));
    }

    @Override
    public Channel connect(String name, int minVersion) {
        return connect(ConnectRequest.to(name, minVersion));
    }

    @Override
    public Channel connect(String name, int minVersion, io.minbus.client.Route route) {
        return direct.connect(minVersion == 0 ? ConnectRequest.to(name) : ConnectRequest.to(name, minVersion), route);
    }

    /** Direct connections of this bus connection (§19). */
    public Direct direct() {
        return direct;
    }

    /** Sets how many of the plugin's {@code onConnect} handlers may hold a platform thread at once. */
    public void platformHandlers(int limit) {
        handlerThreads = new HandlerThreads(limit);
    }

    /** For tests: how many more handlers of this process could get a platform thread now, and the budget. */
    public static int[] platformHandlerBudget() {
        return new int[] {HandlerThreads.processAvailable(), HandlerThreads.PROCESS_LIMIT};
    }

    HandlerThreads handlerThreads() {
        return handlerThreads;
    }

    Session session() {
        return session;
    }

    Channel connectRelayed(ConnectRequest request) {
        return connect(request);
    }

    private Channel connect(ConnectRequest request) {
        ensureRegistered();
        Duplex duplex;
        try {
            duplex = session.openDuplex(request.encode());
        } catch (MuxException e) {
            throw failure(e, "connecting to \"" + request.name() + "\"");
        }
        ByteBuffer first;
        try {
            first = duplex.receive();
        } catch (EndedException e) {
            endQuietly(duplex);
            throw Failures.connectRefused(request, Failures.errorPayload(e.reason()), description);
        } catch (BrokenException e) {
            endQuietly(duplex);
            throw failure(e, "waiting for \"" + request.name() + "\" to accept");
        }
        if (first.hasRemaining()) {
            endQuietly(duplex);
            throw new MinBusException("the bus at " + description + " accepted the connection to \"" + request.name()
                    + "\" with a non-empty message; it does not follow docs/minbus.md §8.3");
        }
        LOG.log(Level.DEBUG, () -> "connected to \"" + request.name() + "\" via " + description);
        return new RelayedChannel(this, duplex, request.name(), OptionalInt.empty());
    }

    static void endQuietly(Duplex duplex) {
        try {
            duplex.close(EMPTY.duplicate());
        } catch (RuntimeException e) {
            // ended already, or the session is gone: nothing to end
        }
        try {
            duplex.cancel(EMPTY.duplicate());
        } catch (RuntimeException e) {
            // same
        }
    }

    // ------------------------------------------------------------------ state

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && session.isOpen() && state != State.REFUSED;
    }

    boolean sessionOpen() {
        return session.isOpen();
    }

    private void checkNotClosed() {
        if (closed.get() || state == State.REFUSED || !session.isOpen()) {
            throw new BusGoneException("this connection to the bus at " + description + " is "
                    + (closed.get() ? "closed" : "lost") + "; open a new MinBus connection", null);
        }
    }

    /** The API exception for a session failure while {@code doing} something. */
    RuntimeException failure(MuxException e, String doing) {
        if (Thread.currentThread().isInterrupted()) {
            return new MinBusException("interrupted while " + doing, e);
        }
        if (e instanceof BrokenException && !session.isOpen()) {
            return gone(e, doing);
        }
        return new MinBusException(doing + " failed: " + e.getMessage(), e);
    }

    /** The {@link BusGoneException} for the session's failure. */
    BusGoneException gone(Throwable cause, String doing) {
        if (closed.get()) {
            return new BusGoneException("this MinBus connection to " + description + " was closed (while "
                    + doing + ")", cause);
        }
        return new BusGoneException("the connection to the bus at " + description + " is lost (while " + doing
                + "): " + cause.getMessage() + "; is the bus still running? Open a new MinBus connection", cause);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        direct.close();
        if (session.isOpen()) {
            try {
                if (state == State.NAMED || state == State.NAMELESS) {
                    // the pong comes after the bus has read what we sent before it (best effort, see report)
                    session.ping(FLUSH_ON_CLOSE);
                }
                session.trySend(EMPTY.duplicate()); // the disconnection message (§5)
            } catch (MuxException | IllegalStateException e) {
                LOG.log(Level.DEBUG, () -> "no disconnection message to " + description + ": " + e.getMessage());
            }
        }
        session.close();
    }

    @Override
    public String toString() {
        NamedPlugin p = plugin;
        return "MinBus[" + (state == State.NAMED && p != null ? p.info() + " " : "") + "on " + description + "]";
    }
}
