package io.minbus.server;

import io.minbus.server.internal.Bus;
import io.minbus.server.internal.Counters;
import io.minbus.server.internal.IdentityPolicy;
import io.minbus.server.internal.ServerCore;
import io.minbus.identity.Identity;
import io.minbus.identity.Keys;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.TransportListener;
import io.minbus.transport.Transports;
import io.minbus.transport.internal.logging.LazyLogger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The Min-Bus server (docs/minbus.md): plugins connect over Unix sockets, TCP or in-process pipes,
 * register names, list and watch each other and talk through relays with bounded buffers.
 *
 * <pre>{@code
 * try (MinBusServer bus = MinBusServer.builder()
 *         .listen(BusAddress.parse("unix:/run/user/1000/minbus/bus.sock"), new BusAddress.Tcp("127.0.0.1", 0))
 *         .start()) {
 *     System.out.println("listening on " + bus.addresses());
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A few non-blocking selector loops (by default one per two cores), each owning a set of
 * connections; plugins on different listeners and loops reach each other through per-loop mailboxes,
 * so 10,000 connections need no more threads than loops. Every method of this class is thread-safe.
 *
 * <p><b>Logging.</b> {@code System.Logger} {@code io.minbus.server}: one line per connection event
 * (accepted, preamble, registered or refused, gone, closed) at DEBUG; protocol violations at INFO.
 */
public final class MinBusServer implements AutoCloseable {
    private static final System.Logger LOG = LazyLogger.of("io.minbus.server");
    private static final long SHUTDOWN_MILLIS = 5000;

    private final List<BusAddress> requested;
    private final ServerLimits limits;
    private final int loops;
    private final ProcessResolver resolver;
    private final Optional<Path> privateDirectory;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<TransportListener> listeners = new ArrayList<>();
    private final List<BusAddress> announced = new ArrayList<>();
    private final IdentityPolicy identity;
    private ServerCore core;
    private boolean closed;
    private final java.util.concurrent.CountDownLatch closeDone = new java.util.concurrent.CountDownLatch(1);

    private MinBusServer(Builder b, Optional<Path> privateDirectory) {
        this.requested = List.copyOf(b.addresses);
        this.limits = b.effectiveLimits();
        this.loops = b.loops;
        this.resolver = b.resolver;
        this.privateDirectory = privateDirectory;
        this.identity = new IdentityPolicy(Optional.ofNullable(b.keys), b.trustedUser);
    }

    /** A builder: no listener (in-process connections only), default limits, one loop per core. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A started server with default limits on a fresh private Unix socket: {@code bus.sock} in a new
     * temporary directory of mode 0700, removed with its contents on {@link #close()}.
     *
     * @throws TransportException if the socket cannot be created
     */
    public static MinBusServer embedded() {
        Path dir;
        try {
            dir = Files.createTempDirectory("minbus-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new TransportException("cannot create a private directory for an embedded bus: " + e.getMessage(), e);
        }
        Builder b = builder().listen(new BusAddress.Unix(dir.resolve("bus.sock")));
        MinBusServer server = new MinBusServer(b, Optional.of(dir));
        try {
            return server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Binds every address and starts the loops. A Unix socket's missing parent directories are
     * created with mode 0700; a stale socket file is replaced.
     *
     * @return this server
     * @throws TransportException if an address cannot be bound (nothing stays bound then)
     * @throws IllegalStateException if started or closed before
     */
    public MinBusServer start() {
        lock.lock();
        try {
            if (core != null || closed) {
                throw new IllegalStateException(closed ? "the server is closed" : "the server is started already");
            }
            requested.forEach(this::checkIdentity);
            List<TransportListener> plain = new ArrayList<>();
            List<TransportListener> secure = new ArrayList<>();
            List<BusAddress> secureAnnounced = new ArrayList<>();
            try {
                for (BusAddress address : requested) {
                    if (address.shsKey().isPresent()) {
                        TransportListener l = Transports.listen(address.withoutKey());
                        listeners.add(l);
                        secure.add(l);
                        BusAddress a = switch (l.address()) {
                            case BusAddress.Tcp bound -> new BusAddress.Tcp(bound.host(), bound.port(), address.shsKey());
                            case BusAddress.Unix bound -> new BusAddress.Unix(bound.path(), address.shsKey());
                        };
                        secureAnnounced.add(a);
                        announced.add(a);
                    } else {
                        TransportListener l = Transports.listen(address);
                        listeners.add(l);
                        plain.add(l);
                        announced.add(l.address());
                    }
                }
            } catch (RuntimeException e) {
                listeners.forEach(TransportListener::close);
                listeners.clear();
                announced.clear();
                throw e;
            }
            core = new ServerCore(limits, loops, facts -> resolver.pid(
                    new PeerInfo(facts.id(), facts.description(), facts.unixUser())));
            core.identity(identity);
            core.start("minbus-server", plain);
            identity.keys().ifPresent(k -> core.startSecure("minbus-server", secure, secureAnnounced, k));
            LOG.log(Level.DEBUG, "serving on {0} with {1} loop(s)", addresses(), loops);
            return this;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses, before anything is bound, a {@code ~shs} address without the server's key pair or with
     * another key, and a plain TCP address that is not loopback (docs/minbus.md §18.2).
     */
    private void checkIdentity(BusAddress address) {
        if (address.shsKey().isPresent()) {
            Identity named = Identity.fromBase64(address.shsKey().get());
            Optional<Identity> ours = identity.identity();
            if (ours.isEmpty()) {
                throw new IllegalStateException("cannot listen on " + address + ": a secret handshake needs the"
                        + " server's key pair (MinBusServer.Builder.keys, or minbus serve --key FILE)");
            }
            if (!named.equals(ours.get())) {
                throw new IllegalArgumentException("cannot listen on " + address + ": it names the key " + named
                        + ", but this server's key is " + ours.get() + "; use " + address.withoutKey()
                        + "~shs:" + ours.get().base64());
            }
            return;
        }
        if (!(address instanceof BusAddress.Tcp tcp)) {
            return;
        }
        if (!isLoopback(tcp.host())) {
            throw new IllegalArgumentException("refusing to listen on " + address + " without the secret handshake:"
                    + " " + tcp.host() + " is not a loopback address, so anyone who can reach it could use the bus"
                    + " unauthenticated and unencrypted; listen on net:" + tcp.host() + ":" + tcp.port()
                    + "~shs:KEY with the server's key"
                    + identity.identity().map(i -> " (" + i.base64() + ")").orElse("")
                    + ", or on 127.0.0.1");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            java.net.InetAddress[] all = java.net.InetAddress.getAllByName(host);
            for (java.net.InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The server's identity: the public half of its key pair, if it has one. */
    public Optional<Identity> identity() {
        return identity.identity();
    }

    /**
     * The addresses listened on, with a TCP port 0 replaced by the bound port (and {@code ~shs:KEY}
     * kept); empty before {@link #start()}.
     */
    public List<BusAddress> addresses() {
        lock.lock();
        try {
            return List.copyOf(announced);
        } finally {
            lock.unlock();
        }
    }

    /** The limits in force (with the builder's heartbeat settings applied). */
    public ServerLimits limits() {
        return limits;
    }

    /**
     * A new in-process connection to this server (two pipes, no socket file), for plugins in this JVM
     * and tests. The caller runs a session over it like over any transport; {@code max_connections}
     * applies (beyond it the transport reads end of stream at once).
     *
     * @throws IllegalStateException if the server is not running
     */
    public Transport connectInMemory() {
        return core(true).connectInMemory();
    }

    /**
     * The counters now (after {@link #close()}: as the server left them).
     *
     * @throws IllegalStateException if the server was never started
     */
    public ServerStats stats() {
        ServerCore c = core(false);
        Bus bus = c.bus();
        Counters n = bus.counters();
        int named = bus.registry().namedCount();
        return new ServerStats(n.connections(), named, bus.registry().size() - named, bus.registry().watcherCount(),
                n.openRelays(), n.relayBuffered(), n.relayBufferedMax(), n.relayDirectionMax(), n.relayedBytes(), n.relayGrowths(), bus.relayMemoryReserved(),
                n.refusals(), n.connectionsRefused(), n.violations(), n.heartbeatTimeouts(), n.visibilityQuestions(),
                n.visibilityTimeouts(), n.directQuestions(), n.directOffers());
    }

    private ServerCore core(boolean running) {
        lock.lock();
        try {
            if (core == null || (running && closed)) {
                throw new IllegalStateException(closed ? "the server is closed" : "the server is not started; call start()");
            }
            return core;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops: no new connections; every connection is cleaned up (its relays' other halves end with
     * {@code 01 0b}, its connection stream too), flushed for up to a few seconds and closed; socket
     * files (and an embedded server's directory) are removed. Idempotent.
     */
    @Override
    public void close() {
        ServerCore c;
        lock.lock();
        try {
            if (closed) {
                // Another thread is closing (e.g. a shutdown hook racing the main thread): wait for it,
                // so that a JVM exiting after this call does not cut its cleanup short.
                awaitClosed();
                return;
            }
            closed = true;
            c = core;
            listeners.forEach(TransportListener::close);
        } finally {
            lock.unlock();
        }
        try {
            if (c != null) {
                c.shutdown(SHUTDOWN_MILLIS);
            }
            privateDirectory.ifPresent(MinBusServer::deleteTree);
            LOG.log(Level.DEBUG, "stopped");
        } finally {
            closeDone.countDown();
        }
    }

    private void awaitClosed() {
        lock.unlock();
        try {
            closeDone.await(SHUTDOWN_MILLIS + 5_000L, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, "cannot remove the embedded bus directory {0}: {1}", dir, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "MinBusServer" + addresses();
    }

    private static int defaultLoops() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Builds a {@link MinBusServer}. */
    public static final class Builder {
        private final List<BusAddress> addresses = new ArrayList<>();
        private ServerLimits limits = ServerLimits.defaults();
        private int loops = defaultLoops();
        private Duration heartbeatInterval;
        private Duration heartbeatTimeout;
        private ProcessResolver resolver = ProcessResolver.NONE;
        private Keys keys;
        private String trustedUser = IdentityPolicy.defaults().trustedUser();

        private Builder() {
        }

        /**
         * The server's key pair (docs/minbus.md §18): needed to listen on {@code net:HOST:PORT~shs:KEY}
         * (KEY is its public half); a connection that proves this key is a trusted plugin, any other
         * proven key is a peer. Default: none.
         */
        public Builder keys(Keys value) {
            keys = Objects.requireNonNull(value, "keys");
            return this;
        }

        /**
         * The Unix user whose processes are admitted on Unix sockets as trusted plugins ({@code
         * SO_PEERCRED}); other users are refused with {@code 01 0c}. Default: the user running the server.
         */
        public Builder trustedUser(String value) {
            trustedUser = Objects.requireNonNull(value, "user");
            return this;
        }

        /** Adds addresses to listen on (Unix sockets and TCP, any number; plugins on all of them see each other). */
        public Builder listen(BusAddress... values) {
            for (BusAddress a : values) {
                addresses.add(Objects.requireNonNull(a, "address"));
            }
            return this;
        }

        /** The limits (docs/minbus.md §13); default {@link ServerLimits#defaults()}. */
        public Builder limits(ServerLimits value) {
            limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /**
         * How many selector loops (threads) serve connections; default: half the cores, at least one.
         * Measured on 2 vCPUs (docs/benchmarks.md): one loop relays a 64-byte round trip in about half
         * the time of two, since both ends of a relay then sit on one loop and no mailbox hand-off
         * between cores is needed; the other cores are left to the plugins.
         */
        public Builder loops(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("at least one loop is needed, not " + value);
            }
            loops = value;
            return this;
        }

        /**
         * Heartbeats (docs/minbus.md §11): ping a connection idle for {@code interval}, drop it if nothing
         * arrives within {@code timeout} after that ping. Overrides the values in {@link #limits}.
         */
        public Builder heartbeat(Duration interval, Duration timeout) {
            heartbeatInterval = Objects.requireNonNull(interval, "interval");
            heartbeatTimeout = Objects.requireNonNull(timeout, "timeout");
            effectiveLimits(); // validates
            return this;
        }

        /** Who tells the server the pid of a connection's peer (docs/minbus.md §14); default: nobody. */
        public Builder processResolver(ProcessResolver value) {
            resolver = Objects.requireNonNull(value, "resolver");
            return this;
        }

        private ServerLimits effectiveLimits() {
            if (heartbeatInterval == null) {
                return limits;
            }
            return limits.toBuilder().heartbeatInterval(heartbeatInterval).heartbeatTimeout(heartbeatTimeout).build();
        }

        /** The server, not started. */
        public MinBusServer build() {
            return new MinBusServer(this, Optional.empty());
        }

        /** {@link #build()} and {@link MinBusServer#start()}. */
        public MinBusServer start() {
            return build().start();
        }
    }
}
