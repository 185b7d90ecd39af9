package io.minbus.server.internal;

import io.minbus.mux.Half;
import io.minbus.mux.MuxEngine;
import io.minbus.mux.MuxLimitException;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.Event;
import io.minbus.protocol.KeyedEvent;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection stream (docs/minbus.md §7), plain or keyed (§18.8): the snapshot, then every join
 * and leave, in the registry's order. The {@link Registry} calls {@link #snapshot} and {@link #event} with its lock held,
 * from whichever loop changed it; they only append the encoded message to an inbox and post a drain
 * to this connection's loop, so the order is the registry's.
 *
 * <p>On the loop, the snapshot goes straight to the session (as a partial payload if credit is short;
 * it does not count against {@code watch_backlog}); events wait here until the plugin's credit covers
 * each whole event. When more than {@code watch_backlog} bytes of events wait, they are dropped and the
 * stream is closed with {@code WATCH_BACKLOG} ({@code 01 0a}).
 */
final class WatchStream implements Watcher {
    private final Conn conn;
    private final Half half;
    /** A keyed connection stream (§18.8): keyed snapshot and events. */
    private final boolean keyed;
    private final ConcurrentLinkedQueue<ByteBuffer> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainPosted = new AtomicBoolean();
    private final ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private boolean snapshotSent;
    private boolean ended;

    WatchStream(Conn conn, Half half, boolean keyed) {
        this.conn = conn;
        this.half = half;
        this.keyed = keyed;
    }

    @Override
    public void snapshotOf(java.util.List<Member> members) {
        if (!keyed) {
            Watcher.super.snapshotOf(members);
            return;
        }
        inbox.add(Plugin.keyedList(members));
        postDrain();
    }

    @Override
    public void eventOf(Event.Kind kind, Member member) {
        if (!keyed) {
            Watcher.super.eventOf(kind, member);
            return;
        }
        inbox.add(new KeyedEvent(kind, member.plugin().orElseThrow(), Plugin.keyOf(member)).encode());
        postDrain();
    }

    @Override
    public void snapshot(PluginList snapshot) {
        inbox.add(snapshot.encode());
        postDrain();
    }

    @Override
    public void event(Event event) {
        inbox.add(event.encode());
        postDrain();
    }

    private void postDrain() {
        if (drainPosted.compareAndSet(false, true)) {
            conn.post(this::drain);
        }
    }

    /** Moves what arrived into the session or the waiting queue (on the loop). */
    void drain() {
        drainPosted.set(false);
        if (ended || !conn.sessionLive()) {
            inbox.clear();
            return;
        }
        ByteBuffer m;
        while ((m = inbox.poll()) != null) {
            if (!snapshotSent) {
                snapshotSent = true;
                try {
                    engine().send(half, m);
                } catch (MuxLimitException e) {
                    Bus.LOG.log(Level.INFO, "{0}: the snapshot ({1} bytes) exceeds the plugin''s max_message", conn,
                            m.remaining());
                    closeWith(Reason.NO_RESOURCES);
                    return;
                }
                continue;
            }
            waiting.add(m);
            waitingBytes += m.remaining();
        }
        if (waitingBytes > conn.bus.limits.watchBacklog()) {
            Bus.LOG.log(Level.INFO, "{0}: {1} bytes of connection-stream events wait for credit, more than"
                    + " watch_backlog; closing the stream", conn, waitingBytes);
            closeWith(Reason.WATCH_BACKLOG);
            return;
        }
        flush();
    }

    /** Hands waiting events to the session while the plugin's credit covers them. */
    void flush() {
        while (!ended && !waiting.isEmpty() && available() >= waiting.peek().remaining()) {
            ByteBuffer m = waiting.poll();
            waitingBytes -= m.remaining();
            engine().send(half, m);
        }
    }

    private long available() {
        long credit = engine().credit(half);
        if (credit < 0) {
            credit = Long.MAX_VALUE; // unsigned above 2^63
        }
        return credit - engine().queuedBytes(half);
    }

    /** The plugin cancelled the stream. */
    void cancelled() {
        end();
        conn.plugin.watchEnded(this);
    }

    /** The server closes the stream with {@code reason}. */
    void closeWith(Reason reason) {
        if (ended) {
            return;
        }
        end();
        conn.bus.counters.refused(reason);
        engine().close(half, ErrorPayload.of(reason).encode());
        conn.plugin.watchEnded(this);
    }

    /** The connection went away; the registry drops the watcher itself. */
    void dropped() {
        end();
    }

    private void end() {
        ended = true;
        waiting.clear();
        waitingBytes = 0;
        inbox.clear();
    }

    private MuxEngine engine() {
        return conn.engine;
    }
}
