package io.minbus.server.internal;

import io.minbus.mux.Entity;
import io.minbus.mux.Half;
import io.minbus.mux.MuxEngine;
import io.minbus.mux.MuxLimitException;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.Reason;
import io.minbus.protocol.RelayEnd;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One plugin's end of a {@link Relay}: its duplex on its connection, and the direction towards it
 * (docs/minbus.md §9). Every method runs on this connection's loop; the other side is reached only by
 * {@link Conn#post}. Halves, from the server's point of view: {@code w} the server writes (the plugin
 * reads), {@code r} the server reads (the plugin writes); {@code r} here is paired with {@code w} on the
 * other side.
 *
 * <p>The direction other → this is accounted here by {@link RelayCredit} {@code toMe}: the plugin's
 * credit is banked; data from the other plugin arrives by {@link #deliver} (moving {@code held} to
 * {@code buffered}) and goes into the session as fragments, never reassembled; bytes leave
 * {@code buffered} when the session encodes them ({@link #afterOutput}); grants go to the other side
 * ({@link #grantSender}). So the bytes in flight towards this plugin (mailbox plus session queue)
 * never exceed {@code relay_buffer}, whatever either plugin does.
 */
final class RelaySide {
    /** {@code 01}: the other plugin went away (§10). */
    static final ByteBuffer REFUSED = ErrorPayload.of(Reason.REFUSED).encode().asReadOnlyBuffer();
    /** {@code 01 0b}: the server shuts down (§10). */
    static final ByteBuffer SHUTDOWN = ErrorPayload.of(Reason.SHUTDOWN).encode().asReadOnlyBuffer();
    private static final ByteBuffer TOO_LARGE = ErrorPayload.of(Reason.MESSAGE_TOO_LARGE).encode().asReadOnlyBuffer();

    final Relay relay;
    final boolean initiator;
    final Conn conn;
    RelaySide other;
    private final RelayCredit toMe;
    /** Bytes taken from the other plugin and not yet encoded for this one (shared with the other loop). */
    private final AtomicLong inFlight;
    private Entity entity;
    private Half w;
    private Half r;
    /** Whether credit may be passed on: after the acceptance, as this loop learned it (§8.5). */
    private boolean accepted;
    private boolean denied;
    /** The server ended this side's halves on its own (other plugin gone, denial, shutdown): nothing more is relayed. */
    private boolean broken;
    private boolean done;
    private boolean wClosed;
    private boolean wCancelled;
    private boolean rCancelled;
    private boolean rClosed;
    /** Relay bytes appended to the session and not yet encoded. */
    private long queued;
    /** What this direction's cap grew by, reserved in {@code relay_memory} until the side is done. */
    private long grown;
    /** Whether this side is in its connection's set of sides with bytes queued (owned by {@link Conn}). */
    boolean listedDraining;

    RelaySide(Relay relay, boolean initiator, Conn conn, AtomicLong inFlight) {
        this.relay = relay;
        this.initiator = initiator;
        this.conn = conn;
        this.inFlight = inFlight;
        this.toMe = new RelayCredit(relay.bus.limits.relayBuffer());
    }

    /** Binds the side to its duplex (on this loop): the initiator's at the connect, the target's when opened. */
    void attach(Entity e) {
        entity = e;
        w = e.writeHalf().orElseThrow();
        r = e.readHalf().orElseThrow();
        engine().manualPongs(w, true); // pings are passed to the other plugin, and so are its pongs
        engine().manualPongs(r, true);
        e.attach(this);
        conn.sides.add(this);
    }

    /** On the target's loop: opens the duplex to the target (§8.4), or fails the relay if it went away. */
    void openIncoming(ByteBuffer opening) {
        if (!conn.connected()) {
            conn.serverEntities.decrementAndGet();
            failOpen();
            return;
        }
        Entity e;
        try {
            e = conn.engine.openDuplex(opening, 0);
        } catch (MuxLimitException ex) {
            conn.serverEntities.decrementAndGet();
            failOpen();
            return;
        }
        attach(e);
    }

    private void failOpen() {
        done = true;
        relay.endAll();
        relay.sideDone();
        RelaySide a = other;
        a.conn.postEvenIfClosed(() -> a.breakWith(REFUSED));
    }

    private boolean usable() {
        return !done && entity != null && conn.sessionLive();
    }

    private MuxEngine engine() {
        return conn.engine;
    }

    // ------------------------------------------------------------------ from this plugin

    /** Data from this plugin on {@code r}. */
    void onData(ByteBuffer fragment, long total, boolean first) {
        if (denied || broken) {
            return;
        }
        if (!initiator && !accepted) {
            if (total == 0) {
                accept();
            } else {
                deny(); // b's first message must be the zero-length acceptance (§8.5)
            }
            return;
        }
        if (first && Long.compareUnsigned(total, other.conn.peer.maxMessage()) > 0) {
            tooLarge();
            return;
        }
        int n = fragment.remaining();
        RelaySide to = other;
        long now = to.inFlight.addAndGet(n);
        relay.bus.counters.relayBuffered(n, now);
        if (!to.conn.runRelayTaskNow(conn, () -> to.deliver(fragment, total, first))) {
            ByteBuffer copy = ByteBuffer.allocate(n).put(fragment).flip(); // the read buffer is reused
            to.conn.postEvenIfClosed(() -> to.deliver(copy, total, first));
        }
    }

    private void accept() {
        accepted = true;
        RelaySide a = other;
        a.conn.postEvenIfClosed(a::accepted);
        maybeGrant();
    }

    /** §9.5: nothing of the message is relayed; the sender's half is cancelled, the receiver's closed. */
    private void tooLarge() {
        relay.bus.counters.refused(Reason.MESSAGE_TOO_LARGE);
        rCancelled = true;
        engine().cancel(r, TOO_LARGE.duplicate());
        relay.directionEnded(this);
        RelaySide to = other;
        to.conn.postEvenIfClosed(() -> to.closeFromServer(TOO_LARGE));
    }

    void onCredit(long amount) {
        toMe.receiverGranted(amount);
        maybeGrant();
    }

    /** This plugin closed the half it writes. */
    void onClosed(ByteBuffer reason) {
        rClosed = true;
        if (denied || broken) {
            return;
        }
        if (!initiator && !accepted) {
            deny();
            return;
        }
        relay.directionEnded(this);
        ByteBuffer relayed = RelayEnd.relay(reason, other.conn.peer.maxFrameInt());
        RelaySide to = other;
        to.conn.postEvenIfClosed(() -> to.relayClose(relayed));
    }

    /** This plugin cancelled the half it reads: what is buffered towards it is dropped (§9.4). */
    void onCancelled(ByteBuffer reason) {
        wCancelled = true;
        dropQueued();
        if (denied || broken) {
            return;
        }
        if (!initiator && !accepted) {
            deny();
            return;
        }
        relay.directionEnded(other);
        ByteBuffer relayed = RelayEnd.relay(reason, other.conn.peer.maxFrameInt());
        RelaySide from = other;
        from.conn.postEvenIfClosed(() -> from.relayCancel(relayed));
    }

    /** §9.3: a ping on {@code half} is relayed as a ping on the paired half. */
    void onPinged(Half half) {
        boolean onR = half == r;
        RelaySide to = other;
        RelaySide from = this;
        to.conn.postEvenIfClosed(() -> {
            if (!to.ping(onR)) {
                from.conn.postEvenIfClosed(() -> from.answerPing(onR)); // nobody to ask: the server answers
            }
        });
    }

    /** The other plugin answered a ping we passed on: pass its pong back on the paired half. */
    void onPong(Half half) {
        boolean onW = half == w; // a ping that came in on the other side's r went out on our w
        RelaySide to = other;
        to.conn.postEvenIfClosed(() -> to.answerPing(onW));
    }

    /** Answers one ping owed on our r ({@code onR}) or w. */
    private void answerPing(boolean onR) {
        if (entity != null && conn.sessionLive()) {
            engine().pong(onR ? r : w); // a no-op once we ended that half
        }
    }

    /** Any end from the target before it accepted is a denial (§8.5). */
    private void deny() {
        denied = true;
        relay.endAll();
        if (!rClosed && !rCancelled) {
            rCancelled = true;
            engine().cancel(r, Plugin.empty());
        }
        if (!wCancelled && !wClosed) {
            wClosed = true;
            engine().close(w, Plugin.empty());
        }
        relay.bus.counters.refused(Reason.REFUSED);
        RelaySide a = other;
        a.conn.postEvenIfClosed(() -> a.breakWith(REFUSED));
    }

    void onRemoved() {
        finish();
    }

    /** This connection went away (cleanup step 3, §10): the other plugin's halves end with {@code reason}. */
    void connGone(ByteBuffer reason) {
        if (done) {
            return;
        }
        relay.endAll();
        RelaySide to = other;
        ByteBuffer payload = reason.duplicate();
        to.conn.postEvenIfClosed(() -> to.breakWith(payload));
        finish();
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        conn.sides.remove(this);
        release(queued);
        queued = 0;
        if (grown > 0) {
            relay.bus.releaseRelayGrowth(grown);
            grown = 0;
        }
        relay.sideDone();
    }

    // ------------------------------------------------------------------ from the other side (posted)

    /** The target accepted: the zero-length acceptance to the initiator, and its banked credit (§8.5). */
    private void accepted() {
        if (!usable() || broken) {
            return;
        }
        accepted = true;
        if (!wClosed && !wCancelled) {
            engine().send(w, Plugin.empty());
        }
        maybeGrant();
    }

    /** A fragment of the other plugin's message, for this plugin. */
    private void deliver(ByteBuffer fragment, long total, boolean first) {
        int n = fragment.remaining();
        if (!usable() || wClosed || wCancelled) {
            release(n);
            return;
        }
        toMe.senderSent(n);
        if (first && n == total && n > 0) {
            engine().send(w, fragment); // a whole message: often encoded at once (MuxEngine#encodeEagerly)
        } else {
            if (first) {
                engine().startMessage(w, total);
            }
            if (n > 0) {
                engine().appendMessage(w, fragment);
            }
        }
        if (n > 0) {
            queued += n;
            relay.bus.counters.relayed(n);
            conn.draining(this);
        }
    }

    /** The other plugin closed its half: close ours after the buffered data, with {@code 00} + its payload. */
    private void relayClose(ByteBuffer payload) {
        if (usable() && !wClosed && !wCancelled) {
            closeW(payload);
        }
    }

    /** The other plugin cancelled its half: cancel ours at once, with {@code 00} + its payload. */
    private void relayCancel(ByteBuffer payload) {
        if (usable() && !rCancelled && !rClosed) {
            rCancelled = true;
            engine().cancel(r, payload);
        }
    }

    /** The server closes this plugin's half (the other plugin's message was too large, §9.5). */
    private void closeFromServer(ByteBuffer payload) {
        if (usable() && !wClosed && !wCancelled) {
            closeW(payload.duplicate());
        }
    }

    /**
     * Ends both halves with {@code reason} (not those already ended): the other plugin went away, the
     * target denied, or shutdown. Buffered data goes first (§10 step 3).
     */
    void breakWith(ByteBuffer reason) {
        if (!usable()) {
            return;
        }
        broken = true;
        if (!wClosed && !wCancelled) {
            closeW(reason.duplicate());
        }
        if (!rCancelled && !rClosed) {
            rCancelled = true;
            engine().cancel(r, reason.duplicate());
        }
    }

    /**
     * Closes {@code w} after its queued data. A message cut short by the other plugin's going away is
     * aborted by the close (docs/protocol.md §9): the plugin never sees the incomplete message.
     */
    private void closeW(ByteBuffer payload) {
        wClosed = true;
        engine().close(w, payload);
    }

    /** The other side granted credit for this plugin's data: pass it on. */
    private void grantSender(long amount) {
        if (usable() && !rCancelled && !rClosed) {
            engine().grant(r, amount);
        }
    }

    /** Passes a ping on; false if it cannot go out (then the server answers it). */
    private boolean ping(boolean pairedWithW) {
        if (usable()) {
            Half half = pairedWithW ? w : r;
            if (!half.isEndedByUs()) {
                return engine().ping(half);
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ accounting

    /**
     * After the session encoded output: the relay bytes that left are {@code forwarded}; may grant.
     *
     * @return whether bytes are still queued (keep calling)
     */
    boolean afterOutput() {
        if (done) {
            return false;
        }
        long left = engine().queuedBytes(w);
        long drained = queued - left; // sent, or dropped with a message an abort cut short
        if (drained > 0) {
            queued -= drained;
            toMe.forwarded(drained);
            release(drained);
            maybeGrant();
        }
        return queued > 0;
    }

    /** The session dropped what was queued towards this plugin (it cancelled). */
    private void dropQueued() {
        toMe.discardBuffered();
        release(queued);
        queued = 0;
    }

    private void release(long n) {
        if (n > 0) {
            long now = inFlight.addAndGet(-n);
            relay.bus.counters.relayBuffered(-n, now);
        }
    }

    /** The refill rule of §9.2, after acceptance: credit for the other plugin's data. */
    private void maybeGrant() {
        if (!accepted || broken || !usable() || wClosed || wCancelled) {
            return;
        }
        maybeGrow();
        long g = toMe.grant();
        if (g > 0) {
            RelaySide from = other;
            from.conn.postEvenIfClosed(() -> from.grantSender(g));
        }
    }

    /**
     * Doubles this direction's cap, up to {@code relay_buffer_max}, while the cap is what holds it back
     * ({@link RelayCredit#capBound()}) and {@code relay_memory} has room for growth (§9.2).
     */
    private void maybeGrow() {
        long cap = toMe.cap();
        long max = relay.bus.limits.relayBufferMax();
        if (cap >= max || !toMe.capBound()) {
            return;
        }
        long extra = Math.min(cap, max - cap);
        if (relay.bus.reserveRelayGrowth(extra)) {
            toMe.grow(cap + extra);
            grown += extra;
            relay.bus.counters.relayGrown(extra);
        }
    }

    @Override
    public String toString() {
        return relay + (initiator ? " side a" : " side b");
    }
}
