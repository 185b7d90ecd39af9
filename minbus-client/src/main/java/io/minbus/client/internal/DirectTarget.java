package io.minbus.client.internal;

import io.minbus.mux.Duplex;
import io.minbus.mux.Incoming;
import io.minbus.mux.IncomingRequest;
import io.minbus.mux.MuxException;
import io.minbus.mux.Session;
import io.minbus.mux.Sink;
import io.minbus.mux.Stream;
import io.minbus.protocol.DirectOffer;
import io.minbus.protocol.DirectPreamble;
import io.minbus.protocol.DirectQuestion;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.Ticket;
import io.minbus.transport.BusAddress;
import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.TransportListener;
import io.minbus.transport.Transports;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The target's side of direct connections (docs/minbus.md §19.3, §19.5, §19.6) for one registered
 * plugin: answers the bus's direct questions with an offer (creating the listening socket at the
 * first one), checks the ticket each connecting initiator presents, and runs one session per
 * initiator, whose channels go to the plugin's {@code accept()}/{@code onConnect} like relayed ones.
 * At most {@code maxSessions} sessions (counting those still presenting a ticket) and {@code
 * maxTickets} unused tickets. {@link #close()} closes the listener (removing the socket file) and
 * every session.
 */
final class DirectTarget {
    /** The answer payload that tells the bus we are busy (a refusal of class 00, §19.3). */
    private static final byte[] BUSY = {0x00};

    private final ClientConnection bus;
    private final NamedPlugin plugin;
    private final DirectOptions options;
    private final Tickets tickets;
    private final Semaphore slots;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Set<Transport> handshaking = ConcurrentHashMap.newKeySet();
    private TransportListener listener;
    private volatile boolean closed;

    DirectTarget(ClientConnection bus, NamedPlugin plugin, DirectOptions options) {
        this.bus = bus;
        this.plugin = plugin;
        this.options = options;
        this.tickets = new Tickets(options.maxTickets(), options.ticketLifetime().toNanos(), System::nanoTime);
        this.slots = new Semaphore(options.maxSessions());
    }

    /** Answers one direct question (on a virtual thread of its own): an offer, busy, or declined. */
    void answer(IncomingRequest request, DirectQuestion question) {
        Path path;
        try {
            path = listening();
        } catch (RuntimeException e) {
            ClientConnection.LOG.log(Level.WARNING, "minbus client: \"" + plugin.name() + "\" cannot listen for"
                    + " direct connections; declined one from " + question.initiator() + ": " + e.getMessage());
            endQuietly(request, ClientConnection.EMPTY.duplicate());
            return;
        }
        Optional<Ticket> ticket = tickets.issue(new Tickets.Grant(question.initiator(), question.initiatorKey()));
        if (ticket.isEmpty()) {
            ClientConnection.LOG.log(Level.DEBUG, () -> "minbus client: \"" + plugin.name() + "\" has "
                    + options.maxTickets() + " unused direct tickets; busy for " + question.initiator());
            endQuietly(request, ByteBuffer.wrap(BUSY));
            return;
        }
        try {
            request.respond(new DirectOffer(path.toString(), ticket.get()).encode());
        } catch (MuxException | IllegalStateException e) {
            ClientConnection.LOG.log(Level.DEBUG, () -> "minbus client: a direct offer came too late: " + e.getMessage());
        }
    }

    private static void endQuietly(IncomingRequest request, ByteBuffer reason) {
        try {
            request.close(reason);
        } catch (MuxException | IllegalStateException e) {
            // the bus gave up on the question, or the connection is gone
        }
    }

    /** The socket's path; listens first if not yet. */
    private Path listening() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the plugin's connection is closed");
            }
            if (listener != null) {
                return ((BusAddress.Unix) listener.address()).path();
            }
            Path dir = options.socketDirectory();
            byte[] id = new byte[6];
            new SecureRandom().nextBytes(id);
            Path path = dir.resolve("d" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(id) + ".sock");
            if (path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 100) {
                throw new IllegalStateException("the socket path " + path + " is too long for a Unix socket;"
                        + " choose a shorter directDirectory");
            }
            TransportListener l = Transports.listen(new BusAddress.Unix(path));
            try {
                checkPrivate(dir);
            } catch (RuntimeException e) {
                l.close();
                throw e;
            }
            listener = l;
            Thread.ofPlatform().daemon().name("minbus-direct-accept-" + plugin.name()).start(() -> acceptLoop(l));
            ClientConnection.LOG.log(Level.DEBUG, () -> "minbus client: \"" + plugin.name() + "\" accepts direct"
                    + " connections on " + path);
            return path;
        } finally {
            lock.unlock();
        }
    }

    /** The directory must be ours and closed to everybody else (mode 0700 or stricter). */
    private static void checkPrivate(Path dir) {
        try {
            String owner = Files.getOwner(dir).getName();
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            boolean others = perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
            if (!owner.equals(System.getProperty("user.name")) || others) {
                throw new IllegalStateException("the direct socket directory " + dir + " must belong to "
                        + System.getProperty("user.name") + " with mode 0700 (it is " + owner + ", " + perms + ")");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot check the direct socket directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private void acceptLoop(TransportListener l) {
        while (!closed) {
            Transport t;
            try {
                t = l.accept();
            } catch (TransportException e) {
                if (!closed) {
                    ClientConnection.LOG.log(Level.WARNING, "minbus client: the direct listener of \"" + plugin.name()
                            + "\" failed: " + e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().name("minbus-direct-" + plugin.name()).start(() -> serve(t));
        }
    }

    /** One connecting initiator: the preamble and its answer (§19.5), then the session until it ends. */
    private void serve(Transport t) {
        handshaking.add(t);
        if (closed) {
            t.close();
        }
        boolean slot = slots.tryAcquire();
        CountDownLatch done = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> { // a connection that does not present its ticket in time is closed
            try {
                if (!done.await(options.ticketLifetime().toMillis(), TimeUnit.MILLISECONDS)) {
                    t.close();
                }
            } catch (InterruptedException e) {
                t.close();
            }
        });
        Session session = null;
        try {
            Decision decision = check(t, slot);
            t.write(decision.answer().encode());
            if (decision.grant().isEmpty()) {
                if (slot) { // a refused connection holds no place; the watchdog bounds the drain
                    slots.release();
                    slot = false;
                }
                t.shutdownOutput();
                drainAndClose(t);
                return;
            }
            done.countDown();
            Tickets.Grant grant = decision.grant().get();
            session = Session.start(t, options.session().toBuilder().name("minbus-direct-" + plugin.name()).build());
            sessions.add(session);
            handshaking.remove(t);
            if (closed) {
                session.close();
            }
            dispatch(session, grant);
        } catch (MuxException | TransportException | io.minbus.wire.ProtocolViolationException e) {
            ClientConnection.LOG.log(Level.DEBUG, () -> "minbus client: a direct connection to \"" + plugin.name()
                    + "\" failed: " + e.getMessage());
        } finally {
            done.countDown();
            handshaking.remove(t);
            if (session != null) {
                sessions.remove(session);
                session.close();
            }
            t.close();
            if (slot) {
                slots.release();
            }
        }
    }

    /** The answer to a preamble, with the ticket's grant if accepted. */
    private record Decision(DirectPreamble.Answer answer, Optional<Tickets.Grant> grant) {
        static final Decision REFUSED = new Decision(DirectPreamble.Answer.REFUSED, Optional.empty());
        static final Decision BUSY = new Decision(DirectPreamble.Answer.BUSY, Optional.empty());
    }

    /** Reads the preamble and decides. */
    private Decision check(Transport t, boolean slot) {
        ByteBuffer in = ByteBuffer.allocate(DirectPreamble.BYTES);
        while (in.hasRemaining()) {
            if (t.read(in) < 0) {
                throw new TransportException("the initiator closed the connection before its ticket");
            }
        }
        DirectPreamble preamble;
        try {
            preamble = DirectPreamble.decode(in.flip());
        } catch (MalformedPayloadException e) {
            ClientConnection.LOG.log(Level.INFO, "minbus client: a direct connection to \"" + plugin.name()
                    + "\" did not start with a direct preamble; refused: " + e.getMessage());
            return Decision.REFUSED;
        }
        Optional<PeerCredentials> peer = t.peerCredentials();
        if (peer.isPresent() && !peer.get().user().equals(System.getProperty("user.name"))) {
            ClientConnection.LOG.log(Level.INFO, "minbus client: a direct connection to \"" + plugin.name()
                    + "\" from the Unix user " + peer.get().user() + "; refused");
            return Decision.REFUSED;
        }
        if (!slot) {
            return Decision.BUSY; // the ticket stays valid: the initiator may try again
        }
        Optional<Tickets.Grant> grant = tickets.redeem(preamble.ticket());
        if (grant.isEmpty()) {
            ClientConnection.LOG.log(Level.INFO, "minbus client: a direct connection to \"" + plugin.name()
                    + "\" presented an unknown, used or expired ticket; refused");
            return Decision.REFUSED;
        }
        return new Decision(DirectPreamble.Answer.ACCEPTED, grant);
    }

    /** After a refusal: read until the initiator closes (so that our close does not reset it), briefly. */
    private static void drainAndClose(Transport t) {
        ByteBuffer sink = ByteBuffer.allocate(256);
        try {
            while (t.read(sink.clear()) >= 0) {
                // discard
            }
        } catch (TransportException e) {
            // gone
        }
        t.close();
    }

    /** Channels the initiator opens go to the plugin; anything else is unexpected (§19.6). */
    private void dispatch(Session session, Tickets.Grant grant) {
        while (true) {
            Incoming in = session.accept();
            switch (in) {
                case Duplex d -> {
                    if (DirectLink.isChannel(d.opening())) {
                        plugin.offer(new DirectIncoming(session, d, grant));
                    } else {
                        ClientConnection.endQuietly(d);
                    }
                }
                case IncomingRequest r -> endQuietly(r, ClientConnection.EMPTY.duplicate());
                case Stream s -> s.cancel(ClientConnection.EMPTY.duplicate());
                case Sink s -> s.close(ClientConnection.EMPTY.duplicate());
            }
        }
    }

    /** Direct sessions open now (for tests and stats). */
    int sessions() {
        return sessions.size();
    }

    /** Unused tickets now. */
    int pendingTickets() {
        return tickets.pending();
    }

    /** The socket's path, once listening. */
    Optional<Path> path() {
        lock.lock();
        try {
            return listener == null ? Optional.empty() : Optional.of(((BusAddress.Unix) listener.address()).path());
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening (the socket file is removed) and closes every direct session. Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            if (listener != null) {
                listener.close();
            }
        } finally {
            lock.unlock();
        }
        handshaking.forEach(Transport::close);
        sessions.forEach(Session::close);
    }
}
