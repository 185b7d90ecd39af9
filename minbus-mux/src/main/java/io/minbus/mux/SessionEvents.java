package io.minbus.mux;

import java.nio.ByteBuffer;

/** Turns engine events into session state; runs on the reader thread with the core's lock held. */
final class SessionEvents implements MuxListener {
    private final SessionCore core;

    SessionEvents(SessionCore core) {
        this.core = core;
    }

    /** The session-side ends of an entity, attached to it. */
    record Ends(WriteEnd write, ReadEnd read) {
        static Ends of(SessionCore core, Entity e) {
            return new Ends(e.writeHalf().map(h -> new WriteEnd(core, h)).orElse(null),
                    e.readHalf().map(h -> new ReadEnd(core, h)).orElse(null));
        }
    }

    static Ends ends(Entity e) {
        return (Ends) e.attachment().orElseThrow();
    }

    static End end(Half h) {
        Ends ends = ends(h.entity());
        return h.weWrite() ? ends.write() : ends.read();
    }

    @Override
    public void opened(Entity e, ByteBuffer opening) {
        Ends ends = Ends.of(core, e);
        e.attach(ends);
        Incoming in = switch (e.kind()) {
            case REQUEST -> new IncomingRequest(ends.write(), opening);
            case SINK -> new Stream(ends.read(), opening);
            case STREAM -> new Sink(ends.write(), opening);
            default -> new Duplex(ends.write(), ends.read(), opening);
        };
        if (ends.read() != null) {
            ends.read().open();
        }
        core.incoming.add(in);
        core.changed.signalAll();
    }

    @Override
    public void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {
        ends(half.entity()).read().onData(fragment, total, first, last);
    }

    @Override
    public void credit(Half half, long amount) {
        end(half).signal();
    }

    @Override
    public void closed(Half half, ByteBuffer reason) {
        ends(half.entity()).read().onClosed(reason);
    }

    @Override
    public void cancelled(Half half, ByteBuffer reason) {
        ends(half.entity()).write().onCancelled(reason);
    }

    @Override
    public void pong(Half half) {
        End end = end(half);
        end.pongs++;
        end.signal();
    }
}
