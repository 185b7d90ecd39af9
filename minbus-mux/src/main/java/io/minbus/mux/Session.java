package io.minbus.mux;

import io.minbus.transport.Transport;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import io.minbus.wire.PreambleReader;
import io.minbus.wire.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * A minbus session over one transport (docs/protocol.md): the top level (messages both ways and
 * requests), plus sinks, streams and duplexes either side opens. Blocking and thread-safe; safe to
 * call from virtual threads (no monitor is held while waiting). One platform thread per session
 * reads while no other thread does; on a Unix or TCP socket a platform thread waiting in a receive
 * reads the socket itself instead (leader/follower, {@link SessionConfig.ReadStrategy}), so the
 * message it waits for needs no hand-off between threads. Writes are coalesced, so a burst of small
 * messages leaves in one write.
 *
 * <pre>{@code
 * try (Session s = Session.start(transport, SessionConfig.defaults())) {
 *     s.send(ByteBuffer.wrap("hello".getBytes()));
 *     ByteBuffer reply = s.request(ByteBuffer.wrap(query)).await();
 *     if (s.accept() instanceof Duplex d) { d.send(d.receive()); }
 * }
 * }</pre>
 *
 * <p>When the connection is lost, breaks a rule or stops answering heartbeats, every call (and every
 * waiting one) fails with a {@link BrokenException} saying why; messages received before are still
 * delivered first.
 */
public final class Session implements AutoCloseable {
    private final SessionCore core;

    private Session(SessionCore core) {
        this.core = core;
    }

    /** {@link #start(Transport, SessionConfig)} with {@link SessionConfig#defaults()}. */
    public static Session start(Transport transport) {
        return start(transport, SessionConfig.defaults());
    }

    /**
     * Sends our preamble, reads the peer's, and starts the session.
     *
     * @throws ProtocolViolationException if the peer is not minbus, speaks no common version or
     *     declares bad limits (the transport is then closed)
     * @throws BrokenException if the transport ends or fails during the preamble, or the peer's preamble
     *     does not arrive within {@link SessionConfig#preambleTimeout()}
     */
    public static Session start(Transport transport, SessionConfig config) {
        SessionCore core = new SessionCore(transport, config);
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        Preamble peer;
        PreambleWatchdog watchdog = PreambleWatchdog.start(transport, config.preambleTimeout());
        try {
            transport.write(Preamble.ours(config.limits()).encode());
            PreambleReader reader = new PreambleReader();
            while (true) {
                int n = transport.read(buf);
                if (n < 0) {
                    reader.endOfInput();
                }
                buf.flip();
                Optional<Preamble> p = reader.feed(buf);
                buf.compact();
                if (p.isPresent()) {
                    peer = p.get();
                    break;
                }
            }
        } catch (RuntimeException e) {
            boolean timedOut = !watchdog.cancel();
            transport.close();
            if (timedOut) {
                throw preambleTimeout(transport, config, e);
            }
            if (e instanceof ProtocolViolationException) {
                throw e;
            }
            throw new BrokenException("connection lost during the preamble with " + transport.description()
                    + ": " + e.getMessage(), e);
        }
        if (!watchdog.cancel()) {
            transport.close();
            throw preambleTimeout(transport, config, null);
        }
        SessionEvents events = new SessionEvents(core);
        core.engine = new MuxEngine(config.limits(), peer.limits(), config.chunkSize(), events, config.name())
                .retainOutputBuffer(true);
        Entity top = core.engine.top();
        SessionEvents.Ends ends = SessionEvents.Ends.of(core, top);
        top.attach(ends);
        core.topRead = ends.read();
        core.topWrite = ends.write();
        core.lock.lock();
        try {
            core.topRead.open();
        } finally {
            core.lock.unlock();
        }
        core.startThreads(buf.flip());
        Session session = new Session(core);
        core.kick();
        return session;
    }

    private static BrokenException preambleTimeout(Transport transport, SessionConfig config, Throwable cause) {
        return new BrokenException("no preamble from " + transport.description() + " within "
                + config.preambleTimeout().toMillis() + " ms: the peer accepted the connection but does not"
                + " speak minbus (or is stuck); check the address", cause);
    }

    // ------------------------------------------------------------------ top level

    /** Sends a top-level message (consumed), waiting for credit. */
    public void send(ByteBuffer message) {
        core.topWrite.send(message, true);
    }

    /** Sends a top-level message only if there is credit for all of it now; never waits. */
    public boolean trySend(ByteBuffer message) {
        return core.topWrite.trySend(message);
    }

    /**
     * The next top-level message, waiting for it.
     *
     * @throws EndedException if the peer closed its top-level half
     */
    public ByteBuffer receive() {
        return core.topRead.receive(0, true).orElseThrow();
    }

    /** The next top-level message, or empty if none came within {@code timeout}. */
    public Optional<ByteBuffer> receive(Duration timeout) {
        return core.topRead.receive(End.deadline(timeout), false);
    }

    /** Closes the top-level half we write (no more top-level messages from us), with an end payload. */
    public void closeTopLevel(ByteBuffer reason) {
        core.topWrite.close(reason);
    }

    /** Pings the peer on the top level; false if no pong came within {@code timeout}. */
    public boolean ping(Duration timeout) {
        return core.topRead.ping(timeout);
    }

    /** Sends a request (consumed); the response arrives through the returned handle. */
    public PendingResponse request(ByteBuffer request) {
        Entity e = open(en -> en.openRequest(request, core.config.window()));
        return new PendingResponse(SessionEvents.ends(e).read());
    }

    // ------------------------------------------------------------------ channels

    /**
     * Opens a sink (we write, the peer reads) with an opening payload the peer receives.
     *
     * @throws MuxLimitException if the peer's max_entities or max_frame would be exceeded
     */
    public Sink openSink(ByteBuffer opening) {
        ByteBuffer copy = opening.duplicate();
        Entity e = open(en -> en.openSink(opening));
        return new Sink(SessionEvents.ends(e).write(), copy);
    }

    /** Opens a stream (the peer writes, we read). */
    public Stream openStream(ByteBuffer opening) {
        ByteBuffer copy = opening.duplicate();
        Entity e = open(en -> en.openStream(opening, core.config.window()));
        return new Stream(SessionEvents.ends(e).read(), copy);
    }

    /** Opens a duplex. */
    public Duplex openDuplex(ByteBuffer opening) {
        ByteBuffer copy = opening.duplicate();
        Entity e = open(en -> en.openDuplex(opening, core.config.window()));
        SessionEvents.Ends ends = SessionEvents.ends(e);
        return new Duplex(ends.write(), ends.read(), copy);
    }

    private Entity open(Function<MuxEngine, Entity> how) {
        Entity e;
        core.lock.lock();
        try {
            core.checkOpen();
            e = how.apply(core.engine);
            e.attach(SessionEvents.Ends.of(core, e));
        } finally {
            core.lock.unlock();
        }
        core.kick();
        return e;
    }

    /**
     * Waits for the next thing the peer opens: a request, a sink (our {@link Stream}), a stream (our
     * {@link Sink}) or a duplex.
     *
     * @throws BrokenException once the session broke and nothing is left to accept
     */
    public Incoming accept() {
        return accept(0, true).orElseThrow();
    }

    /** The next thing the peer opens, or empty if nothing came within {@code timeout}. */
    public Optional<Incoming> accept(Duration timeout) {
        return accept(End.deadline(timeout), false);
    }

    private Optional<Incoming> accept(long deadline, boolean forever) {
        core.lock.lock();
        try {
            Incoming in;
            while ((in = core.incoming.poll()) == null) {
                core.checkOpen();
                long left = deadline - System.nanoTime();
                if (!forever && left <= 0) {
                    return Optional.empty();
                }
                core.waiterEnters(); // this thread does not read while it waits: somebody must
                if (forever) {
                    core.changed.await();
                } else {
                    core.changed.awaitNanos(left);
                }
            }
            return Optional.of(in);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokenException("interrupted while waiting in accept()", e);
        } finally {
            core.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ the session

    /** The limits the peer declared (they bind what we send). */
    public Limits peerLimits() {
        return core.engine.peerLimits();
    }

    /** The name from the configuration. */
    public String name() {
        return core.config.name();
    }

    /** Whether the session is usable: not closed, not lost, not broken. */
    public boolean isOpen() {
        return core.isOpen();
    }

    /** Flushes what is queued (best effort) and closes the transport; everything waiting wakes with "session closed". */
    @Override
    public void close() {
        core.close();
    }

    /** For tests: entities we ({@code ours}) or the peer created that are not removed yet. */
    long engineCount(boolean ours) {
        core.lock.lock();
        try {
            return ours ? core.engine.openedByUs() : core.engine.openedByPeer();
        } finally {
            core.lock.unlock();
        }
    }

    /** For tests: the name of the thread that holds the read role (leader/follower), empty if none. */
    String readRoleHolder() {
        return core.readRoleHolder();
    }

    /** For tests: whether the reader thread waits, with no time limit, for a long-held read role to be let go. */
    boolean readerParked() {
        return core.readerParked();
    }

    /** For tests: runs {@link MuxEngine#checkInvariants()} under the session's lock. */
    void checkInvariants() {
        core.lock.lock();
        try {
            core.engine.checkInvariants();
        } finally {
            core.lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Session[" + core.config.name() + " over " + core.transport.description() + "]";
    }
}
