package io.minbus.client;

import io.minbus.client.internal.ClientConnection;
import io.minbus.identity.Keys;
import io.minbus.identity.NetworkKey;
import io.minbus.identity.SecureTransport;
import io.minbus.mux.SessionConfig;
import io.minbus.protocol.PluginInfo;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One connection to a bus (docs/minbus.md). Either {@link #register} a name on it first, which
 * makes it a {@link Plugin} others can find and connect to, or just use it: the first {@link
 * #plugins()}, {@link #watch()} or {@link #connect(String)} registers it as a <em>nameless
 * client</em>, which can do everything except be connected to or listed.
 *
 * <pre>{@code
 * try (MinBus bus = MinBus.connect()) {                 // MINBUS_ADDRESS, else the default socket
 *     Plugin me = bus.register("kv", 3);                // NameTakenException if taken
 *     me.onConnect(channel -> serve(channel));          // incoming channels, one thread each
 *     List<PluginInfo> others = bus.plugins();
 *     try (Channel log = bus.connect("logger", 2)) {    // at least version 2
 *         log.send(ByteBuffer.wrap(bytes));             // waits for credit; trySend does not
 *     }
 * }
 * }</pre>
 *
 * <p><b>Several names from one process</b>: one connection carries at most one registration, so a
 * process that serves several names (several "instances") opens one {@code MinBus} per name; the
 * bus may limit how many names one process holds ({@code 01 05}).
 *
 * <p>Thread-safe; every call blocks and is safe on virtual threads. The connection is read by one
 * platform thread and heartbeats are on by default (a ping after 10 s of silence, the connection is
 * lost 30 s later without an answer), so a dead bus shows up as {@link BusGoneException}.
 */
public interface MinBus extends AutoCloseable {

    /**
     * Connects to the bus named by {@code MINBUS_ADDRESS}, else to the per-user default socket
     * ({@link BusAddress#defaultAddress()}).
     *
     * @throws BusUnreachableException if no bus answers there
     * @throws IllegalArgumentException if {@code MINBUS_ADDRESS} is set but is not an address
     */
    static MinBus connect() {
        return builder().connect();
    }

    /**
     * Connects to the bus at {@code address}.
     *
     * @throws BusUnreachableException if no bus answers there
     */
    static MinBus connect(BusAddress address) {
        return builder().address(address).connect();
    }

    /**
     * Runs the bus protocol over a transport already connected to a bus (for instance an in-memory
     * one from a test kit). The connection owns the transport from now on.
     *
     * @throws BusUnreachableException if the peer is not a minbus bus
     */
    static MinBus connect(Transport transport) {
        return builder().transport(transport).connect();
    }

    /** A builder, for a session configuration other than the defaults. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Registers {@code name} at {@code version} on this connection (docs/minbus.md §4). It must be
     * the first thing done on the connection; the registration lasts until the connection closes.
     *
     * @param name    1 to 255 bytes of UTF-8
     * @param version 0..65535; a higher version promises to be backwards compatible with lower ones
     * @throws NameTakenException if another connection holds the name (the connection is then closed)
     * @throws RegistrationRefusedException if the bus refused for another reason (closed as well)
     * @throws IllegalStateException if this connection is already registered (also as a nameless
     *     client, which happens on the first {@link #plugins()}, {@link #watch()} or {@link #connect})
     * @throws IllegalArgumentException on an invalid name or version
     * @throws BusGoneException if the connection is lost
     */
    Plugin register(String name, int version);

    /**
     * Registers {@code name} at {@code version}, declaring who may see it and connect to it
     * (docs/minbus.md §18.4): a plugin hidden from a requester is absent from its listings and watch
     * events, and connecting to it fails with {@link NoSuchPluginException}. Without a declaration
     * (the two-argument form) a plugin is {@link io.minbus.protocol.Visibility#TRUSTED}. A bus older
     * than this extension refuses the registration as malformed.
     *
     * @see #register(String, int)
     */
    Plugin register(String name, int version, io.minbus.protocol.Visibility visibility);

    /**
     * Registers {@code name} at {@code version} with the {@code explicit} visibility (docs/minbus.md
     * §18.4, §18.7): the bus asks {@code policy}, once per requester identity, whether that requester
     * may see the plugin. Connections of this connection's own identity see it without a question.
     * (Registering with {@link io.minbus.protocol.Visibility#EXPLICIT} and no policy denies every
     * requester of another identity.)
     *
     * @see #register(String, int)
     */
    Plugin register(String name, int version, VisibilityPolicy policy);

    /**
     * The named plugins registered on the bus, except this connection's own, in registration order
     * (the connection query, docs/minbus.md §6).
     *
     * @throws BusGoneException if the connection is lost
     */
    List<PluginInfo> plugins();

    /**
     * As {@link #plugins()}, with the key each plugin proved with the secret handshake (the keyed
     * connection query, docs/minbus.md §18.6). A bus older than that query ends it as unexpected,
     * which surfaces as a {@link MinBusException}.
     *
     * @throws BusGoneException if the connection is lost
     */
    List<KeyedPlugin> pluginsWithKeys();

    /**
     * Opens the connection stream (docs/minbus.md §7): a snapshot of the named plugins, then one
     * event per registration and departure. At most one watch is open per connection; close it to
     * open another (or use another connection).
     *
     * @throws IllegalStateException if a watch is already open on this connection
     * @throws BusGoneException if the connection is lost
     */
    Watch watch();

    /**
     * Opens a watch whose events are handed to {@code onEvent} on a virtual thread of its own, in
     * order, until the watch is closed. A failure (the bus went away, a backlog overflow) is handed
     * to {@code onFailure}, after which no more events come.
     *
     * @throws IllegalStateException if a watch is already open on this connection
     */
    Watch watch(Consumer<WatchEvent> onEvent, Consumer<MinBusException> onFailure);

    /**
     * Like {@link #watch()}, with the key each plugin proved with the secret handshake in the snapshot
     * and in every event (the keyed connection stream, docs/minbus.md §18.8). A bus older than that
     * stream ends it at once, which surfaces as a {@link MinBusException} from {@link Watch#next()}.
     *
     * @throws IllegalStateException if a watch is already open on this connection
     * @throws BusGoneException if the connection is lost
     */
    Watch watchWithKeys();

    /**
     * Connects to the plugin registered as {@code name}, whatever its version; waits until it
     * accepts (docs/minbus.md §8).
     *
     * @throws NoSuchPluginException if no plugin has that name
     * @throws ConnectionRefusedException if the target denied it, or the bus refused it (see
     *     {@link ConnectionRefusedException#reason()})
     * @throws BusGoneException if the connection is lost
     */
    Channel connect(String name);

    /**
     * Connects to the plugin {@code name} if its version is at least {@code minVersion}.
     *
     * @throws VersionTooLowException if its version is lower (the exception carries it)
     * @see #connect(String)
     */
    Channel connect(String name, int minVersion);

    /**
     * Connects to the plugin {@code name} along {@code route} (docs/minbus.md §19): {@link
     * Route#DIRECT} asks the bus to introduce us for a direct Unix socket between the two plugins,
     * which skips the relay; {@link Route#PREFER_DIRECT} falls back to a relayed channel when no
     * direct one is offered. Several direct channels to one target share one direct connection.
     *
     * @throws DirectUnavailableException for {@link Route#DIRECT}, when no direct connection is offered
     * @see #connect(String)
     */
    default Channel connect(String name, Route route) {
        return connect(name, 0, route);
    }

    /**
     * Connects to {@code name} at {@code minVersion} or later along {@code route}.
     *
     * @see #connect(String, Route)
     */
    Channel connect(String name, int minVersion, Route route);

    /** The bus this connection leads to, e.g. {@code unix:/run/user/1000/minbus/bus.sock}. */
    String description();

    /** Whether the connection is usable: not closed and not lost. */
    boolean isOpen();

    /**
     * Says goodbye and closes: waits (briefly) until the bus has received everything sent so far,
     * sends the disconnection message (docs/minbus.md §5) and closes the connection. The bus then
     * frees the name, tells the watchers, and breaks the channels still open. Idempotent.
     */
    @Override
    void close();

    /** Configures a connection; {@link #connect()} opens it. */
    final class Builder {
        private BusAddress address;
        private Transport transport;
        private SessionConfig session = SessionConfig.builder().name("minbus-client").build();
        private Duration answerTimeout = Duration.ofSeconds(30);
        private Keys keys;
        private io.minbus.client.internal.DirectOptions direct = io.minbus.client.internal.DirectOptions.defaults();
        private int platformHandlers = ClientConnection.DEFAULT_PLATFORM_HANDLERS;

        private Builder() {}

        /** The bus to connect to; without one (and without a transport), {@link BusAddress#defaultAddress()}. */
        public Builder address(BusAddress value) {
            this.address = Objects.requireNonNull(value, "address");
            this.transport = null;
            return this;
        }

        /** A transport already connected to a bus, used instead of an address. */
        public Builder transport(Transport value) {
            this.transport = Objects.requireNonNull(value, "transport");
            this.address = null;
            return this;
        }

        /**
         * The session configuration: receive window per channel, chunk size, heartbeats, limits
         * (docs/protocol.md). Default: {@link SessionConfig#defaults()}.
         */
        public Builder session(SessionConfig value) {
            this.session = Objects.requireNonNull(value, "session");
            return this;
        }

        /**
         * The key pair this connection proves with the secret handshake, on addresses with a server
         * key ({@code net:HOST:PORT~shs:KEY}, docs/security.md). Default: the user's key file, {@link
         * Keys#loadOrCreate(java.nio.file.Path) loaded or created} at {@link Keys#defaultPath()} when
         * such an address is used. Prove the bus's own key to be a trusted plugin; any other key makes
         * this connection a peer (docs/minbus.md §18).
         */
        public Builder keys(Keys value) {
            this.keys = Objects.requireNonNull(value, "keys");
            return this;
        }

        /**
         * Accept direct connections (docs/minbus.md §19): when another plugin of the same user on
         * this machine asks for one, the plugin registered on this connection listens on a Unix
         * socket in a private directory (created at the first request, removed on close) and
         * hands the bus a one-time ticket for it. Default: false (every channel is relayed).
         */
        public Builder acceptDirect(boolean value) {
            direct = direct.withAccept(value);
            return this;
        }

        /**
         * The directory of the direct socket; it is created with mode 0700 if missing and must be
         * owned by this user with no access for others; a relative path is taken from the current
         * directory now. Default: {@code $XDG_RUNTIME_DIR/minbus/direct},
         * else {@code /tmp/minbus-$USER/direct}.
         */
        public Builder directDirectory(java.nio.file.Path value) {
            direct = direct.withDirectory(value);
            return this;
        }

        /**
         * Bounds for accepting direct connections (docs/limits.md): at most {@code sessions} direct
         * connections open at once (default 64) and {@code tickets} unused tickets (default 16),
         * each valid for {@code ticketLifetime} (default 5 s).
         */
        public Builder directLimits(int sessions, int tickets, Duration ticketLifetime) {
            direct = direct.withLimits(sessions, tickets, ticketLifetime);
            return this;
        }

        /**
         * How many {@link Plugin#onConnect(java.util.function.Consumer) onConnect} handlers (those
         * given no executor) of this connection may run on platform threads at once; the others run
         * on virtual threads. Default: no limit of its own. In any case all connections of the
         * process together run at most as many handlers on platform threads as the JVM has
         * processors (the system property {@code minbus.client.platformHandlers} sets another
         * budget). A platform thread waiting in {@link Channel#receive()} reads the socket itself,
         * which makes a round trip tens of microseconds shorter on a small machine; a virtual
         * thread waits for the connection's reader thread, which costs less with many busy channels.
         * The first handlers to start take the platform threads, which are pooled and shared by the
         * process (idle ones end after 30 s). 0 puts every handler of this connection on a virtual
         * thread.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder platformHandlers(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("the number of platform handler threads must be 0 or more, not " + value);
            }
            this.platformHandlers = value;
            return this;
        }

        /** How long to wait for the bus to answer a registration; default 30 s. */
        public Builder answerTimeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("the answer timeout must be positive, not " + value);
            }
            this.answerTimeout = value;
            return this;
        }

        /**
         * Connects.
         *
         * @throws BusUnreachableException if no bus answers
         */
        public MinBus connect() {
            MinBus bus = open();
            ((ClientConnection) bus).direct().configure(direct.withSession(session));
            ((ClientConnection) bus).platformHandlers(platformHandlers);
            return bus;
        }

        private MinBus open() {
            if (transport != null) {
                return ClientConnection.open(transport, session, answerTimeout);
            }
            BusAddress target = address != null ? address : BusAddress.defaultAddress();
            if (target.shsKey().isPresent()) {
                Keys ours = keys != null ? keys : Keys.loadOrCreate(Keys.defaultPath());
                Transport secure;
                try {
                    secure = SecureTransport.connect(target, NetworkKey.MINBUS, ours);
                } catch (TransportException e) {
                    throw new BusUnreachableException(target.toString(), e.getMessage(), e);
                }
                return ClientConnection.open(secure, session, answerTimeout);
            }
            return ClientConnection.open(target, address == null, session, answerTimeout);
        }
    }
}
