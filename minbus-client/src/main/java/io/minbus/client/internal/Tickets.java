package io.minbus.client.internal;

import io.minbus.protocol.Registration;
import io.minbus.protocol.Ticket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The tickets a target has issued and not yet seen used (docs/minbus.md §19.3, §19.5): at most
 * {@code max} at once, each valid once and for {@code lifetime} nanoseconds. A presented ticket is
 * compared with every pending one in constant time, so timing tells an attacker nothing about how
 * close a guess was. Thread-safe.
 */
final class Tickets {
    /** Who a ticket was issued for: the initiator the bus named in its question. */
    record Grant(Registration initiator, Optional<String> initiatorKey) {
    }

    private record Entry(Ticket ticket, Grant grant, long expires) {
    }

    private final int max;
    private final long lifetimeNanos;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Entry> entries = new ArrayList<>();

    /** @param clock nanoseconds, as {@link System#nanoTime()} (a fake one in tests) */
    Tickets(int max, long lifetimeNanos, LongSupplier clock) {
        this.max = max;
        this.lifetimeNanos = lifetimeNanos;
        this.clock = clock;
    }

    /** A fresh ticket for {@code grant}, or empty if {@code max} tickets are pending. */
    Optional<Ticket> issue(Grant grant) {
        lock.lock();
        try {
            long now = clock.getAsLong();
            purge(now);
            if (entries.size() >= max) {
                return Optional.empty();
            }
            Ticket t = Ticket.random(random);
            entries.add(new Entry(t, grant, now + lifetimeNanos));
            return Optional.of(t);
        } finally {
            lock.unlock();
        }
    }

    /** The grant of {@code ticket} if it is pending and unexpired; it is used up. Empty otherwise. */
    Optional<Grant> redeem(Ticket ticket) {
        lock.lock();
        try {
            purge(clock.getAsLong());
            Entry found = null;
            for (Entry e : entries) { // no early exit: every pending ticket is compared
                if (e.ticket().matches(ticket) && found == null) {
                    found = e;
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            entries.remove(found);
            return Optional.of(found.grant());
        } finally {
            lock.unlock();
        }
    }

    /** Tickets pending now. */
    int pending() {
        lock.lock();
        try {
            purge(clock.getAsLong());
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    private void purge(long now) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            if (now - it.next().expires() >= 0) {
                it.remove();
            }
        }
    }
}
