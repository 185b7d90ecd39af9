package io.minbus.server.internal;

import io.minbus.server.ServerLimits;
import io.minbus.transport.internal.logging.LazyLogger;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What every connection of one server shares, whichever loop owns it: the limits, the {@link
 * Registry}, the relays that exist (§8.6), the relay memory reservation, the counters. All of it is
 * thread-safe (locks inside the registry, concurrent maps and atomics elsewhere).
 */
public final class Bus {
    static final System.Logger LOG = LazyLogger.of("io.minbus.server");

    final ServerLimits limits;
    final Registry registry;
    final Counters counters = new Counters();
    /** Relays a→b that exist in the sense of §8.6, by (initiator, target) connection. */
    final ConcurrentHashMap<RelayKey, Relay> relays = new ConcurrentHashMap<>();
    private final AtomicLong relayMemory = new AtomicLong();
    private final AtomicLong connectionIds = new AtomicLong();
    private final Function<ConnectionFacts, OptionalLong> processResolver;
    volatile boolean shuttingDown;
    /** Who connections are (§18); set before the server starts. */
    volatile IdentityPolicy identity = IdentityPolicy.defaults();

    /**
     * @param processResolver tells the pid of a connection's peer when known (the host's hook, §14)
     */
    public Bus(ServerLimits limits, Function<ConnectionFacts, OptionalLong> processResolver) {
        this.limits = limits;
        this.registry = new Registry(limits.maxNamesPerProcess());
        this.processResolver = processResolver;
        this.registry.visibility((viewer, subject) -> Visibilities.canSee(viewer, subject, identity));
        this.registry.questions(Visibilities::question);
    }

    public Registry registry() {
        return registry;
    }

    public Counters counters() {
        return counters;
    }

    long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    /** Reserves {@code 2 x relay_buffer} within {@code relay_memory}; false if it does not fit. */
    boolean reserveRelayMemory() {
        long need = 2L * limits.relayBuffer();
        while (true) {
            long used = relayMemory.get();
            if (used + need > limits.relayMemory()) {
                return false;
            }
            if (relayMemory.compareAndSet(used, used + need)) {
                return true;
            }
        }
    }

    void releaseRelayMemory() {
        relayMemory.addAndGet(-2L * limits.relayBuffer());
    }

    /**
     * Reserves {@code extra} bytes for a relay direction whose cap grows (docs/minbus.md §9.2): only
     * while at least half of {@code relay_memory} stays unreserved, so that growth never takes more
     * than half of what new relays can count on.
     */
    boolean reserveRelayGrowth(long extra) {
        while (true) {
            long used = relayMemory.get();
            if (used + extra > limits.relayMemory() / 2) {
                return false;
            }
            if (relayMemory.compareAndSet(used, used + extra)) {
                return true;
            }
        }
    }

    /** Gives back what {@link #reserveRelayGrowth} reserved, when the relay direction ends. */
    void releaseRelayGrowth(long extra) {
        relayMemory.addAndGet(-extra);
    }

    /** Bytes of {@code relay_memory} reserved now, base and growth. */
    public long relayMemoryReserved() {
        return relayMemory.get();
    }

    /** The key a connection's name counts against (§14): its pid if the resolver knows it, else its Unix user. */
    Optional<String> processKey(ConnectionFacts facts) {
        OptionalLong pid = OptionalLong.empty();
        try {
            pid = processResolver.apply(facts);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the process resolver failed for " + facts + "; counting by user", e);
        }
        if (pid != null && pid.isPresent() && pid.getAsLong() > 0) {
            return Optional.of(ProcessKeys.pid(pid.getAsLong()));
        }
        return facts.unixUser().map(ProcessKeys::user);
    }

    /** What the server knows of a connection when it registers, for the process resolver. */
    public record ConnectionFacts(long id, String description, Optional<String> unixUser) {
    }

    /** Identifies the relay from connection {@code initiator} to connection {@code target}. */
    record RelayKey(long initiator, long target) {
    }
}
