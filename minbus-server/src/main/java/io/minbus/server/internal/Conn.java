package io.minbus.server.internal;

import io.minbus.mux.Entity;
import io.minbus.mux.Half;
import io.minbus.mux.MuxEngine;
import io.minbus.mux.MuxListener;
import io.minbus.protocol.Reason;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import io.minbus.wire.PreambleReader;
import io.minbus.wire.ProtocolViolationException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection to the bus (docs/minbus.md §1), owned by one {@link Loop}: the byte stream, the
 * preamble exchange, the session engine and its output, the connection state, timers (preamble and
 * registration timeouts, heartbeats §11) and the cleanup of §10. What the plugin opens is dispatched
 * to {@link Plugin} (registration, queries, connection streams, unexpected entities), {@link Connector}
 * (connects) and {@link RelaySide} (relays).
 *
 * <p>Threads: every method runs on the owning loop, except the few fields other loops read, which are
 * final, atomic or volatile ({@link #id}, {@link #relayCount}, {@link #serverEntities}, {@link #peer}),
 * and {@link #post}, which is how other threads reach this connection.
 */
final class Conn implements MuxListener {
    /** The largest data payload the server puts in one chunk (fairness, docs/protocol.md §13). */
    static final int CHUNK = 16 * 1024;
    /** Input accepted from a peer whose output is stuck before its reads are paused. */
    private static final long STALLED_READ_BUDGET = 1024 * 1024;
    private static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * PREAMBLE, UNREGISTERED and CONNECTED as in docs/minbus.md §1; CLOSING: gone or refused, flushing
     * what is queued; LINGER: our direction is shut, input is read and dropped until the peer's end
     * (so that closing never resets a TCP connection whose last bytes the peer has not read yet);
     * CLOSED.
     */
    enum State { PREAMBLE, UNREGISTERED, CONNECTED, CLOSING, LINGER, CLOSED }

    final long id;
    final Loop loop;
    final Bus bus;
    final Io io;
    /** Relays this plugin takes part in (as initiator or target), against {@code max_relays_per_plugin}. */
    final AtomicInteger relayCount = new AtomicInteger();
    /** Entities the server opened (or is about to open) to this plugin, against its {@code max_entities}. */
    final AtomicLong serverEntities = new AtomicLong();
    /** The limits the plugin declared; set once after the preamble, read by other loops (connect checks). */
    volatile Limits peer;
    final Set<RelaySide> sides = new LinkedHashSet<>();
    final Plugin plugin;
    /** Visibility questions to this plugin if it is explicit (§18.7). */
    final Questions questions = new Questions(this);
    /** Direct questions to this plugin, and the introductions it asks for (§19). */
    final Introductions introductions = new Introductions(this);
    /** Trusted plugin, peer or refused (§18), from what the byte stream proved. */
    final Standing standing;

    State state = State.PREAMBLE;
    MuxEngine engine;
    private final PreambleReader preambleReader = new PreambleReader();
    private final ByteBuffer preambleOut;
    private final long startedAt = System.nanoTime();
    private long readyAt;
    private long lastInput = startedAt;
    private long pingSentAt;
    private long closeDeadline;
    private ByteBuffer out;
    private boolean dirty;
    private boolean writeBlocked;
    private boolean readPaused;
    private long readWhileBlocked;
    private boolean cleanedUp;
    private String why = "";
    private final Set<RelaySide> draining = new LinkedHashSet<>();

    private Conn(Loop loop, Io io) {
        this.loop = loop;
        this.bus = loop.bus;
        this.io = io;
        this.id = bus.nextConnectionId();
        this.preambleOut = Preamble.ours(bus.limits.session()).encode();
        this.plugin = new Plugin(this);
        this.standing = bus.identity.standing(io);
    }

    // ------------------------------------------------------------------ admission and start

    /** Takes one of the {@code max_connections} places; false if none is free. */
    static boolean admitOne(Bus bus) {
        AtomicInteger n = bus.counters.connections;
        while (true) {
            int now = n.get();
            if (now >= bus.limits.maxConnections()) {
                return false;
            }
            if (n.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back a place taken by {@link #admitOne}. */
    static void released(Bus bus) {
        bus.counters.connections.decrementAndGet();
    }

    /** Starts a connection (its place already taken) on {@code loop}. */
    static void start(Loop loop, Io io) {
        Conn conn = new Conn(loop, io);
        loop.execute(conn::begin);
    }

    private void begin() {
        try {
            io.register(loop.selector, this);
        } catch (IOException e) {
            Bus.LOG.log(Level.DEBUG, "{0}: cannot register: {1}", this, e.getMessage());
            io.close();
            released(bus);
            state = State.CLOSED;
            return;
        }
        loop.added(this);
        Bus.LOG.log(Level.DEBUG, "{0}: accepted on {1}", this, loop);
        if (bus.shuttingDown) {
            closeNow("the server is shutting down");
            return;
        }
        markDirty();
    }

    /** Runs {@code action} on this connection's loop (from any thread), then flushes what it queued. */
    void post(Runnable action) {
        loop.execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            try {
                action.run();
            } catch (RuntimeException e) {
                Bus.LOG.log(Level.ERROR, this + ": internal error; closing the connection", e);
                closeNow("internal error: " + e);
                return;
            }
            markDirty();
        });
    }

    /**
     * Like {@link #post}, but runs {@code action} even when the connection has closed meanwhile. Relay
     * tasks need this: they check the connection themselves and must still release what they hold
     * (buffered-byte counts, a relay whose target left before its duplex was opened), or relays leak
     * and a connect waits for ever (docs/reliability.md, bugs 1 and 2).
     */
    void postEvenIfClosed(Runnable action) {
        loop.execute(() -> runRelayTask(action));
    }

    /**
     * Runs a relay task for this connection at once, instead of posting it, if that cannot change the
     * order of relay tasks: called on this connection's loop, from another connection, with nothing
     * waiting in the loop's mailbox (so no task posted earlier is still to run). Saves a copy and a
     * mailbox round per relayed fragment when both plugins share a loop.
     *
     * @return false if the caller must {@link #postEvenIfClosed} instead
     */
    boolean runRelayTaskNow(Conn from, Runnable action) {
        if (from == this || !loop.inLoop() || !loop.mailboxEmpty()) {
            return false;
        }
        runRelayTask(action);
        return true;
    }

    private void runRelayTask(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            Bus.LOG.log(Level.ERROR, this + ": internal error in a relay task", e);
            if (state != State.CLOSED) {
                closeNow("internal error: " + e);
            }
            return;
        }
        if (state != State.CLOSED) {
            markDirty();
        }
    }

    // ------------------------------------------------------------------ state

    /** Whether the session runs and the plugin may still be served (not refused, not gone). */
    boolean active() {
        return (state == State.UNREGISTERED || state == State.CONNECTED) && !engine.isEnded();
    }

    /** Whether engine commands are allowed (also while flushing before a close). */
    boolean sessionLive() {
        return engine != null && !engine.isEnded() && state != State.CLOSED && state != State.LINGER;
    }

    boolean connected() {
        return state == State.CONNECTED && !engine.isEnded();
    }

    void markDirty() {
        if (!dirty && state != State.CLOSED) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** A relay side that has bytes queued in the engine, to be told after each output. */
    void draining(RelaySide side) {
        if (!side.listedDraining) {
            side.listedDraining = true;
            draining.add(side);
        }
    }

    // ------------------------------------------------------------------ input

    void onReadable() {
        if (state == State.CLOSED || state == State.CLOSING) {
            return;
        }
        ByteBuffer buf = loop.readBuffer.clear();
        int n;
        try {
            n = io.read(buf);
        } catch (IOException e) {
            lost("reading failed: " + e.getMessage());
            return;
        }
        if (n < 0) {
            if (state == State.LINGER) {
                closeNow(why);
            } else {
                endOfStream();
            }
            return;
        }
        if (n == 0 || state == State.LINGER) {
            return;
        }
        lastInput = System.nanoTime();
        pingSentAt = 0;
        buf.flip();
        try {
            if (state == State.PREAMBLE) {
                Optional<Preamble> theirs = preambleReader.feed(buf);
                if (theirs.isEmpty()) {
                    return;
                }
                startSession(theirs.get());
            }
            if (buf.hasRemaining() && active()) {
                engine.receive(buf);
            }
        } catch (ProtocolViolationException e) {
            violation(e);
            return;
        }
        markDirty();
        if (writeBlocked && (readWhileBlocked += n) > STALLED_READ_BUDGET && !readPaused) {
            readPaused = true; // the peer sends but does not read: stop reading until our output drains
            io.interest(false, true);
        }
    }

    private void startSession(Preamble theirs) {
        peer = theirs.limits();
        engine = new MuxEngine(bus.limits.session(), peer, CHUNK, this, "bus#" + id).encodeEagerly(true)
                .outputBuffers(loop.outputBuffers);
        readyAt = System.nanoTime();
        state = State.UNREGISTERED;
        plugin.start();
        Bus.LOG.log(Level.DEBUG, "{0}: preamble ok, peer limits {1}", this, peer);
    }

    private void endOfStream() {
        if (state == State.PREAMBLE) {
            closeNow("the peer closed the connection during the preamble");
            return;
        }
        try {
            if (engine != null && !engine.isEnded()) {
                engine.endOfInput();
            }
        } catch (ProtocolViolationException e) {
            violation(e);
            return;
        }
        goAway("end of stream", false, RelaySide.REFUSED);
    }

    private void violation(ProtocolViolationException e) {
        bus.counters.violation();
        Bus.LOG.log(Level.INFO, "{0}: {1}", this, e.getMessage());
        goAway("protocol violation: " + e.getMessage(), false, RelaySide.REFUSED);
    }

    private void lost(String reason) {
        goAway(reason, false, RelaySide.REFUSED);
    }

    // ------------------------------------------------------------------ output

    void onWritable() {
        flush();
    }

    /** Writes what is queued until done or the socket is full; closes a closing connection once empty. */
    void flush() {
        dirty = false;
        if (state == State.CLOSED || state == State.LINGER) {
            return;
        }
        // what a partial write left is fetched again: a message encoded at once since (MuxEngine#encodeEagerly)
        // may have moved it, with the new bytes behind it, into a larger buffer
        out = null;
        try {
            while (true) {
                ByteBuffer buf = nextOutput();
                if (buf == null) {
                    break;
                }
                io.write(buf);
                if (buf.hasRemaining()) {
                    if (!writeBlocked) {
                        writeBlocked = true;
                        readWhileBlocked = 0;
                    }
                    io.interest(wantRead(), true);
                    return;
                }
            }
        } catch (IOException e) {
            lost("writing failed: " + e.getMessage());
            if (state != State.CLOSED) {
                closeNow(why);
            }
            return;
        }
        if (engine != null) {
            out = null;
            engine.releaseOutputBuffer(); // an idle connection holds no output buffer (10,000 on a bus)
        }
        writeBlocked = false;
        readPaused = false;
        if (state == State.CLOSING) {
            linger();
            return;
        }
        io.interest(wantRead(), false);
    }

    /** Everything is written: shut our direction and wait (briefly) for the peer's end before closing. */
    private void linger() {
        try {
            io.shutdownOutput();
        } catch (IOException e) {
            closeNow(why);
            return;
        }
        state = State.LINGER;
        closeDeadline = System.nanoTime() + LINGER_NANOS;
        io.interest(true, false);
    }

    private boolean wantRead() {
        return !readPaused && (state == State.PREAMBLE || state == State.UNREGISTERED || state == State.CONNECTED);
    }

    /** The bytes to write next: what is left of the last buffer, our preamble, or freshly encoded chunks. */
    private ByteBuffer nextOutput() {
        if (out != null && out.hasRemaining()) {
            return out;
        }
        if (preambleOut.hasRemaining()) {
            return preambleOut;
        }
        if (engine == null) {
            return null;
        }
        afterOutput(); // relay bytes encoded at once since the last turn (MuxEngine#encodeEagerly) have left the queues
        if (!engine.hasOutput()) {
            return null;
        }
        out = engine.output();
        afterOutput();
        return out.hasRemaining() ? out : null;
    }

    /** Relay bytes left the engine's queues: tell their relays (credit accounting, §9.2). */
    private void afterOutput() {
        if (draining.isEmpty()) {
            return;
        }
        for (Iterator<RelaySide> it = draining.iterator(); it.hasNext(); ) {
            RelaySide side = it.next();
            if (!side.afterOutput()) {
                side.listedDraining = false;
                it.remove();
            }
        }
    }

    // ------------------------------------------------------------------ timers

    void tick(long now) {
        long regTimeout = bus.limits.registrationTimeout().toNanos();
        switch (state) {
            case PREAMBLE -> {
                if (now - startedAt >= regTimeout) {
                    closeNow("no preamble within " + bus.limits.registrationTimeout().toMillis() + " ms");
                }
                return;
            }
            case UNREGISTERED -> {
                if (now - readyAt >= regTimeout && !engine.isEnded()) {
                    plugin.refuse(Reason.REGISTRATION_TIMEOUT);
                    markDirty();
                    return;
                }
            }
            case CLOSING -> {
                if (now - closeDeadline >= 0) {
                    closeNow(why + " (the last output could not be written in time)");
                }
                return;
            }
            case LINGER -> {
                if (now - closeDeadline >= 0) {
                    closeNow(why);
                }
                return;
            }
            case CLOSED -> {
                return;
            }
            default -> {
            }
        }
        if (state == State.CONNECTED && !engine.isEnded()) {
            questions.tick(now);
            introductions.tick(now);
        }
        heartbeat(now);
    }

    private void heartbeat(long now) {
        if (engine.isEnded()) {
            return;
        }
        if (pingSentAt != 0) {
            if (now - pingSentAt >= bus.limits.heartbeatTimeout().toNanos()) {
                bus.counters.heartbeatTimeout();
                goAway("no answer to a heartbeat within " + bus.limits.heartbeatTimeout().toMillis() + " ms", false,
                        RelaySide.REFUSED);
            }
            return;
        }
        if (now - lastInput >= bus.limits.heartbeatInterval().toNanos()) {
            Half topRead = engine.top().readHalf().orElseThrow();
            if (engine.ping(topRead)) {
                pingSentAt = now;
                markDirty();
            }
        }
    }

    // ------------------------------------------------------------------ going away (§10)

    /**
     * The plugin went away: the cleanup of §10, exactly once, then the close (after flushing what is
     * queued if {@code flush}).
     *
     * @param relayReason the end payload for the other halves of its relays: {@code 01}, or {@code 01 0b} at shutdown
     */
    void goAway(String reason, boolean flush, ByteBuffer relayReason) {
        if (state == State.CLOSED) {
            return;
        }
        cleanup(reason, relayReason);
        if (flush && sessionLive()) {
            state = State.CLOSING;
            closeDeadline = System.nanoTime() + CLOSE_GRACE_NANOS;
            io.interest(false, true);
            markDirty();
        } else {
            closeNow(reason);
        }
    }

    /** Stops reading and closes once the queued output is written (a refused registration, §4.2). */
    void closeAfterFlush(String reason) {
        why = reason;
        state = State.CLOSING;
        closeDeadline = System.nanoTime() + CLOSE_GRACE_NANOS;
        io.interest(false, true);
        markDirty();
    }

    private void cleanup(String reason, ByteBuffer relayReason) {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        why = reason;
        questions.dropAll();
        introductions.dropAll();
        plugin.leave();
        for (RelaySide side : new ArrayList<>(sides)) {
            side.connGone(relayReason);
        }
        sides.clear();
        for (RelaySide side : draining) {
            side.listedDraining = false;
        }
        draining.clear();
        Bus.LOG.log(Level.DEBUG, "{0}: gone ({1})", this, reason);
    }

    /** Closes the byte stream now (after the cleanup if it was not done). */
    void closeNow(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        cleanup(reason, RelaySide.REFUSED);
        state = State.CLOSED;
        io.close();
        if (engine != null) {
            out = null;
            engine.dropOutputBuffer(); // unwritten bytes are lost anyway; the pooled buffer goes back
        }
        loop.removed(this);
        released(bus);
        Bus.LOG.log(Level.DEBUG, "{0}: closed ({1})", this, why.isEmpty() ? reason : why);
    }

    /** The server shuts down: relays and the connection stream end with SHUTDOWN, then the cleanup and a flush. */
    void shutdown() {
        if (state == State.CLOSED) {
            return;
        }
        if (!sessionLive() || state == State.PREAMBLE) {
            closeNow("the server is shutting down");
            return;
        }
        ByteBuffer reason = RelaySide.SHUTDOWN;
        for (RelaySide side : new ArrayList<>(sides)) {
            side.breakWith(reason);
        }
        plugin.shutdown();
        goAway("the server is shutting down", true, reason);
    }

    // ------------------------------------------------------------------ session events

    @Override
    public void opened(Entity entity, ByteBuffer opening) {
        if (active()) {
            plugin.opened(entity, opening);
        }
    }

    @Override
    public void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {
        if (!active()) {
            return;
        }
        Entity e = half.entity();
        if (e == engine.top()) {
            plugin.topLevelData(fragment, total, first, last);
        } else if (e.attachment().orElse(null) instanceof RelaySide side) {
            side.onData(fragment, total, first);
        } else if (e.attachment().orElse(null) instanceof Questions.Question q) {
            questions.onData(q, fragment, total, first, last);
        } else if (e.attachment().orElse(null) instanceof Introductions.Question q) {
            introductions.onData(q, fragment, total, first, last);
        }
    }

    @Override
    public void credit(Half half, long amount) {
        if (!active()) {
            return;
        }
        Object a = half.entity().attachment().orElse(null);
        if (a instanceof RelaySide side) {
            side.onCredit(amount);
        } else if (a instanceof WatchStream watch) {
            watch.flush();
        }
    }

    @Override
    public void closed(Half half, ByteBuffer reason) {
        if (!active()) {
            return;
        }
        Object a = half.entity().attachment().orElse(null);
        if (a instanceof RelaySide side) {
            side.onClosed(reason);
        } else if (a instanceof Questions.Question q) {
            questions.onRefused(q);
        } else if (a instanceof Introductions.Question q) {
            introductions.onRefused(q, reason);
        } else if (a instanceof Connector.PendingConnect pending) {
            pending.abandoned(this);
        }
    }

    @Override
    public void cancelled(Half half, ByteBuffer reason) {
        if (!active()) {
            return;
        }
        Object a = half.entity().attachment().orElse(null);
        if (a instanceof RelaySide side) {
            side.onCancelled(reason);
        } else if (a instanceof WatchStream watch) {
            watch.cancelled();
        } else if (a instanceof Connector.PendingConnect pending) {
            pending.abandoned(this);
        }
    }

    @Override
    public void pinged(Half half) {
        if (active() && half.entity().attachment().orElse(null) instanceof RelaySide side) {
            side.onPinged(half);
        }
    }

    @Override
    public void pong(Half half) {
        if (active() && half.entity().attachment().orElse(null) instanceof RelaySide side) {
            side.onPong(half);
        }
    }

    @Override
    public void removed(Entity entity) {
        if (entity.createdByUs()) {
            serverEntities.decrementAndGet();
        }
        Object a = entity.attachment().orElse(null);
        if (a instanceof RelaySide side) {
            side.onRemoved();
        } else if (a == Plugin.QUERY) {
            plugin.queryDone();
        }
    }

    @Override
    public String toString() {
        return "connection#" + id + " (" + io.description() + (plugin.registration().map(r -> ", " + r).orElse("")) + ")";
    }
}
