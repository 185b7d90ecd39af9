package io.minbus.server.internal;

import io.minbus.mux.Entity;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.IncomingConnection;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Reason;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connect duplex from plugin {@code a} (docs/minbus.md §8): the checks of §8.2 in their order, on
 * {@code a}'s loop, then the relay: side {@code a} is bound at once, and the duplex to {@code b} is
 * opened on {@code b}'s loop. The counters checked here belong to other connections and are reserved
 * with compare-and-set, so two loops cannot both take the last place.
 */
final class Connector {
    private Connector() {
    }

    static void connect(Conn a, Entity duplex, ByteBuffer opening) {
        connect(a, duplex, opening, false);
    }

    /**
     * @param resumed true when an explicit target's answer is in (§18.7): a target still hidden is then
     *                absent, with no second wait
     */
    private static void connect(Conn a, Entity duplex, ByteBuffer opening, boolean resumed) {
        Bus bus = a.bus;
        if (!a.connected() || !ConnectRequest.isConnect(opening)) {
            refuse(a, duplex, ErrorPayload.of(Reason.UNEXPECTED));
            return;
        }
        ConnectRequest request;
        try {
            request = ConnectRequest.decode(opening);
        } catch (MalformedPayloadException e) {
            Bus.LOG.log(Level.DEBUG, "{0}: {1}", a, e.getMessage());
            refuse(a, duplex, ErrorPayload.of(Reason.MALFORMED));
            return;
        }
        Optional<Member> found = bus.registry.lookup(request.name());
        if (!resumed && found.isPresent() && bus.registry.questionFor(a.plugin.member(), found.get()).isPresent()) {
            PendingConnect pending = new PendingConnect(duplex, opening);
            duplex.attach(pending); // §18.7: wait for the explicit target's answer
            if (Explicit.await(a, found.get(), () -> resume(a, pending))) {
                return;
            }
            connect(a, duplex, opening, true);
            return;
        }
        if (found.isEmpty() || !(found.get().owner().orElse(null) instanceof Conn b)
                || !bus.registry.canSee(a.plugin.member(), found.get())) { // §18.4: hidden = absent
            refuse(a, duplex, ErrorPayload.of(Reason.NO_SUCH_PLUGIN));
            return;
        }
        PluginInfo target = found.get().plugin().orElseThrow();
        if (!request.accepts(target.version())) {
            refuse(a, duplex, ErrorPayload.versionTooLow(target.version()));
            return;
        }
        if (bus.relays.containsKey(new Bus.RelayKey(a.id, b.id))) {
            refuse(a, duplex, ErrorPayload.of(Reason.UNEXPECTED)); // §8.6: a->b exists already
            return;
        }
        int maxRelays = bus.limits.maxRelaysPerPlugin();
        if (!acquire(a.relayCount, maxRelays)) {
            refuse(a, duplex, ErrorPayload.of(Reason.RELAY_LIMIT));
            return;
        }
        if (!acquire(b.relayCount, maxRelays)) {
            a.relayCount.decrementAndGet();
            refuse(a, duplex, ErrorPayload.of(Reason.TARGET_RELAY_LIMIT));
            return;
        }
        long maxEntities = b.peer.maxEntities() < 0 ? Long.MAX_VALUE : b.peer.maxEntities();
        if (!acquire(b.serverEntities, maxEntities)) {
            a.relayCount.decrementAndGet();
            b.relayCount.decrementAndGet();
            refuse(a, duplex, ErrorPayload.of(Reason.TARGET_RELAY_LIMIT));
            return;
        }
        if (!bus.reserveRelayMemory()) {
            a.relayCount.decrementAndGet();
            b.relayCount.decrementAndGet();
            b.serverEntities.decrementAndGet();
            refuse(a, duplex, ErrorPayload.of(Reason.NO_RESOURCES));
            return;
        }
        Relay relay = new Relay(bus, a, b);
        bus.relays.put(relay.key, relay);
        relay.a.attach(duplex);
        ByteBuffer incoming = new IncomingConnection(a.plugin.member().registration(),
                a.io.provenKey().map(io.minbus.identity.Identity::base64)).encode(); // §18.5
        RelaySide sideB = relay.b;
        b.postEvenIfClosed(() -> sideB.openIncoming(incoming));
        Bus.LOG.log(Level.DEBUG, "{0}: connects to {1} ({2})", a, target, relay);
    }

    /** The explicit target answered (or left): the connect goes on unless the initiator gave up meanwhile. */
    private static void resume(Conn a, PendingConnect pending) {
        if (pending.ended || !a.connected()) {
            return;
        }
        pending.duplex.attach(null);
        connect(a, pending.duplex, pending.opening, true);
    }

    /**
     * A connect waiting for an explicit target's answer (§18.7), attached to the initiator's duplex. If
     * the initiator ends its duplex meanwhile, the server ends the halves it has not ended, with empty
     * payloads, and forgets the connect.
     */
    static final class PendingConnect {
        final Entity duplex;
        final ByteBuffer opening;
        boolean ended;

        PendingConnect(Entity duplex, ByteBuffer opening) {
            this.duplex = duplex;
            this.opening = opening;
        }

        void abandoned(Conn a) {
            if (ended) {
                return;
            }
            ended = true;
            duplex.writeHalf().filter(h -> !h.isEndedByUs()).ifPresent(h -> a.engine.close(h, ByteBuffer.allocate(0)));
            duplex.readHalf().ifPresent(h -> a.engine.cancel(h, ByteBuffer.allocate(0)));
        }

        @Override
        public String toString() {
            return "connect waiting for a visibility answer";
        }
    }

    /** §8.2: closes the half the server writes and cancels the half it reads, both with {@code error}. */
    private static void refuse(Conn a, Entity duplex, ErrorPayload error) {
        a.bus.counters.refused(error.reason());
        a.engine.close(duplex.writeHalf().orElseThrow(), error.encode());
        a.engine.cancel(duplex.readHalf().orElseThrow(), error.encode());
    }

    private static boolean acquire(AtomicInteger counter, int limit) {
        while (true) {
            int n = counter.get();
            if (n >= limit) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    static boolean acquire(AtomicLong counter, long limit) {
        while (true) {
            long n = counter.get();
            if (n >= limit) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}
