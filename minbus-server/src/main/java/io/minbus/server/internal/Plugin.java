package io.minbus.server.internal;

import io.minbus.mux.Entity;
import io.minbus.mux.Half;
import io.minbus.mux.MuxEngine;
import io.minbus.mux.MuxLimitException;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.KeyedPluginList;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.server.ServerLimits;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * What a connection's plugin does on the top level and with what it opens (docs/minbus.md §3-§7,
 * §12): top-level credit, registration and its result, the disconnection message, connection queries,
 * the connection stream, and the replies to unexpected entities. Connects go to {@link Connector}.
 * Runs on the connection's loop only.
 */
final class Plugin {
    /** Attached to the entity of a connection query until it is removed (counts as pending). */
    static final Object QUERY = new Object() {
        @Override
        public String toString() {
            return "connection query";
        }
    };

    private final Conn conn;
    private Member member;
    private WatchStream watch;
    private ByteBuffer registration;
    private int pendingQueries;

    Plugin(Conn conn) {
        this.conn = conn;
    }

    Optional<Registration> registration() {
        return Optional.ofNullable(member).map(Member::registration);
    }

    Member member() {
        return member;
    }

    private MuxEngine engine() {
        return conn.engine;
    }

    private ServerLimits limits() {
        return conn.bus.limits;
    }

    /** After the preambles: the top-level credit (§3). */
    void start() {
        engine().grant(topRead(), limits().topLevelCredit());
    }

    private Half topRead() {
        return engine().top().readHalf().orElseThrow();
    }

    private Half topWrite() {
        return engine().top().writeHalf().orElseThrow();
    }

    // ------------------------------------------------------------------ top level (§3-§5)

    void topLevelData(ByteBuffer fragment, long total, boolean first, boolean last) {
        refillTopLevel();
        if (conn.state == Conn.State.UNREGISTERED) {
            if (first) {
                if (total == 0) {
                    conn.goAway("disconnection message before registering", true, RelaySide.REFUSED);
                    return;
                }
                if (total > ServerLimits.LARGEST_REGISTRATION) {
                    refuse(Reason.MALFORMED); // cannot be 3 + n bytes; never buffered
                    return;
                }
                registration = ByteBuffer.allocate((int) total);
            }
            registration.put(fragment);
            if (last) {
                ByteBuffer message = registration.flip();
                registration = null;
                register(message);
            }
        } else if (conn.state == Conn.State.CONNECTED && first && total == 0) {
            conn.goAway("disconnection message", true, RelaySide.REFUSED);
        }
        // any other top-level message is unexpected and ignored (§12)
    }

    /** Grants again once what could be granted is at least what the plugin still holds (§3). */
    private void refillTopLevel() {
        Half top = topRead();
        long outstanding = engine().granted(top);
        long grantable = limits().topLevelCredit() - outstanding;
        if (grantable > 0 && grantable >= outstanding) {
            engine().grant(top, grantable);
        }
    }

    private void register(ByteBuffer message) {
        Registration r;
        try {
            r = Registration.decode(message);
        } catch (MalformedPayloadException e) {
            Bus.LOG.log(Level.DEBUG, "{0}: {1}", conn, e.getMessage());
            refuse(Reason.MALFORMED);
            return;
        }
        if (conn.standing == Standing.REFUSED) { // §18.3: another user, no proven key
            Bus.LOG.log(Level.INFO, "{0}: refused: the Unix user {1} is not {2} and proved no key", conn,
                    conn.io.unixUser().orElse("?"), conn.bus.identity.trustedUser());
            refuse(Reason.NOT_PERMITTED);
            return;
        }
        Bus.ConnectionFacts facts = new Bus.ConnectionFacts(conn.id, conn.io.description(), conn.io.unixUser());
        Admission admission = conn.bus.registry.admit(r, conn.bus.processKey(facts), conn);
        if (admission instanceof Admission.Refused refused) {
            refuse(refused.reason());
            return;
        }
        member = ((Admission.Admitted) admission).member();
        conn.state = Conn.State.CONNECTED;
        sendResult(RegistrationResult.accepted());
        if (r.effectiveVisibility() == io.minbus.protocol.Visibility.EXPLICIT) {
            Explicit.askForWatchers(conn); // §18.7: streams learn of it once it allows them
        }
        Bus.LOG.log(Level.DEBUG, "{0}: registered", conn);
    }

    /** Refuses the registration (§4.2): the result if the plugin's credit allows, then flush and close. */
    void refuse(Reason reason) {
        conn.bus.counters.refused(reason);
        sendResult(RegistrationResult.refused(reason));
        Bus.LOG.log(Level.DEBUG, "{0}: registration refused: {1}", conn, reason);
        conn.closeAfterFlush("registration refused: " + reason);
    }

    private void sendResult(RegistrationResult result) {
        ByteBuffer message = result.encode();
        Half top = topWrite();
        if (!top.isEndedByUs() && Long.compareUnsigned(engine().credit(top), message.remaining()) >= 0) {
            engine().send(top, message);
        }
    }

    // ------------------------------------------------------------------ what the plugin opens

    void opened(Entity entity, ByteBuffer opening) {
        switch (entity.kind()) {
            case REQUEST -> query(entity, opening);
            case STREAM -> watch(entity, opening);
            case DUPLEX -> Connector.connect(conn, entity, opening);
            default -> { // a sink: the server never reads one (§12)
                conn.bus.counters.refused(Reason.UNEXPECTED);
                engine().cancel(entity.readHalf().orElseThrow(), empty());
            }
        }
    }

    private void query(Entity entity, ByteBuffer opening) {
        if (io.minbus.protocol.DirectRequest.isDirect(opening)) {
            Introductions.introduce(conn, entity, opening); // §19.2
            return;
        }
        Half response = entity.writeHalf().orElseThrow();
        boolean keyed = opening.remaining() == 1 && opening.get(opening.position()) == KeyedPluginList.QUERY; // §18.6
        if (conn.state != Conn.State.CONNECTED || (opening.hasRemaining() && !keyed)) {
            conn.bus.counters.refused(Reason.UNEXPECTED);
            engine().close(response, empty());
            return;
        }
        if (pendingQueries >= limits().maxPendingQueries()) {
            conn.bus.counters.refused(Reason.NO_RESOURCES);
            engine().close(response, ErrorPayload.of(Reason.NO_RESOURCES).encode());
            return;
        }
        pendingQueries++;
        entity.attach(QUERY);
        java.util.List<Member> unanswered = conn.bus.registry.unanswered(member);
        if (unanswered.isEmpty()) {
            respond(entity, keyed);
            return;
        }
        int[] waiting = {unanswered.size()}; // §18.7: respond once every explicit plugin has answered
        Runnable answered = () -> {
            if (--waiting[0] == 0) {
                respond(entity, keyed);
            }
        };
        for (Member m : unanswered) {
            if (!Explicit.await(conn, m, answered)) {
                answered.run();
            }
        }
    }

    /** Sends the query's response, unless the plugin cancelled it meanwhile. */
    private void respond(Entity entity, boolean keyed) {
        Half response = entity.writeHalf().orElseThrow();
        if (!conn.connected() || entity.isRemoved() || response.isEndedByUs()) {
            return;
        }
        ByteBuffer list = keyed ? keyedList(conn.bus.registry.visibleMembers(member))
                : conn.bus.registry.plugins(member).encode();
        try {
            engine().send(response, list);
        } catch (MuxLimitException e) {
            Bus.LOG.log(Level.INFO, "{0}: the plugin list ({1} bytes) exceeds the plugin''s max_message; refused",
                    conn, list.remaining());
            conn.bus.counters.refused(Reason.NO_RESOURCES);
            engine().close(response, ErrorPayload.of(Reason.NO_RESOURCES).encode());
        }
    }

    /** The plugins with the keys they proved (§18.6, §18.8). */
    static ByteBuffer keyedList(java.util.List<Member> members) {
        java.util.List<KeyedPluginList.Entry> entries = new java.util.ArrayList<>();
        for (Member m : members) {
            entries.add(new KeyedPluginList.Entry(m.plugin().orElseThrow(), keyOf(m)));
        }
        return new KeyedPluginList(entries).encode();
    }

    /** The key a member's connection proved (base64), if any. */
    static Optional<String> keyOf(Member m) {
        return m.owner().orElse(null) instanceof Conn c ? c.io.provenKey().map(io.minbus.identity.Identity::base64)
                : Optional.empty();
    }

    void queryDone() {
        pendingQueries--;
    }

    private void watch(Entity entity, ByteBuffer opening) {
        Half half = entity.writeHalf().orElseThrow();
        boolean keyed = opening.remaining() == 1 && opening.get(opening.position()) == KeyedPluginList.STREAM; // §18.8
        if (conn.state != Conn.State.CONNECTED || (opening.hasRemaining() && !keyed) || watch != null) {
            conn.bus.counters.refused(Reason.UNEXPECTED);
            engine().close(half, empty());
            return;
        }
        WatchStream stream = new WatchStream(conn, half, keyed);
        entity.attach(stream);
        if (!conn.bus.registry.watch(member, stream)) {
            conn.bus.counters.refused(Reason.UNEXPECTED);
            engine().close(half, empty());
            return;
        }
        watch = stream;
        stream.drain();
        Explicit.askAll(conn, conn.bus.registry.unanswered(member)); // §18.7: a late allow is a joined
    }

    /** The connection stream ended (cancelled by the plugin, or closed by the server). */
    void watchEnded(WatchStream stream) {
        if (watch == stream) {
            watch = null;
            if (member != null) {
                conn.bus.registry.unwatch(member);
            }
        }
    }

    /** Cleanup steps 1-2 (§10): the name is freed, watchers hear that the plugin left, its own stream is dropped. */
    void leave() {
        if (watch != null) {
            watch.dropped();
            watch = null;
        }
        if (member != null) {
            conn.bus.registry.leave(member);
        }
    }

    /** At shutdown: the connection stream is closed with SHUTDOWN (01 0b). */
    void shutdown() {
        if (watch != null) {
            watch.closeWith(Reason.SHUTDOWN);
        }
    }

    static ByteBuffer empty() {
        return ByteBuffer.allocate(0);
    }
}
