package io.minbus.server.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relay (docs/minbus.md §9): the duplex {@code A} the initiator opened and the duplex {@code B} the
 * server opened to the target, one {@link RelaySide} each. Each side is owned by its connection's loop;
 * the sides talk only by posting to each other's loop, so a relay between connections of different
 * loops needs no lock.
 *
 * <p>Shared, thread-safe state: whether each data direction has ended (the relay "exists" until both
 * have, §8.6, and is listed in {@link Bus#relays} until then); the bytes in flight per direction (the
 * quantity {@code relay_buffer} bounds, for {@link Counters}); and the release of the reservations
 * (relay memory, the two plugins' relay counts) once both sides are finished.
 */
final class Relay {
    final Bus bus;
    final Bus.RelayKey key;
    final Conn initiator;
    final Conn target;
    final RelaySide a;
    final RelaySide b;
    private final AtomicBoolean abEnded = new AtomicBoolean();
    private final AtomicBoolean baEnded = new AtomicBoolean();
    private final AtomicInteger sidesLeft = new AtomicInteger(2);

    Relay(Bus bus, Conn initiator, Conn target) {
        this.bus = bus;
        this.key = new Bus.RelayKey(initiator.id, target.id);
        this.initiator = initiator;
        this.target = target;
        this.a = new RelaySide(this, true, initiator, new AtomicLong());
        this.b = new RelaySide(this, false, target, new AtomicLong());
        a.other = b;
        b.other = a;
        bus.counters.openRelays.incrementAndGet();
    }

    /** The data direction from {@code sender}'s plugin ended (closed by it, or cancelled by the receiver). */
    void directionEnded(RelaySide sender) {
        (sender == a ? abEnded : baEnded).set(true);
        if (abEnded.get() && baEnded.get()) {
            bus.relays.remove(key, this);
        }
    }

    /** The relay stops existing at once: refused, denied, or a plugin went away. */
    void endAll() {
        abEnded.set(true);
        baEnded.set(true);
        bus.relays.remove(key, this);
    }

    /** A side is finished (its duplex removed, or its connection gone); the second one releases the relay. */
    void sideDone() {
        if (sidesLeft.decrementAndGet() == 0) {
            endAll();
            bus.releaseRelayMemory();
            initiator.relayCount.decrementAndGet();
            target.relayCount.decrementAndGet();
            bus.counters.openRelays.decrementAndGet();
        }
    }

    @Override
    public String toString() {
        return "relay " + initiator.id + "->" + target.id;
    }
}
