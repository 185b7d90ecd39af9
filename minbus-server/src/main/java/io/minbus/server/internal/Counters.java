package io.minbus.server.internal;

import io.minbus.protocol.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, updated from every selector loop without locks; read by
 * {@code MinBusServer.stats()}. "Relay bytes buffered" are bytes a relay has taken from its sender and
 * not yet handed to the receiver's socket (in a loop's mailbox or the receiver's session queue): the
 * quantity {@code relay_buffer} bounds per direction (docs/minbus.md §9.2).
 */
public final class Counters {
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger openRelays = new AtomicInteger();
    private final AtomicLong relayBuffered = new AtomicLong();
    private final AtomicLong relayBufferedMax = new AtomicLong();
    private final AtomicLong directionMax = new AtomicLong();
    private final LongAdder relayedBytes = new LongAdder();
    private final LongAdder relayGrowths = new LongAdder();
    private final AtomicLongArray refusals = new AtomicLongArray(Reason.values().length);
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder violations = new LongAdder();
    private final LongAdder heartbeatTimeouts = new LongAdder();
    private final LongAdder visibilityQuestions = new LongAdder();
    private final LongAdder visibilityTimeouts = new LongAdder();
    private final LongAdder directQuestions = new LongAdder();
    private final LongAdder directOffers = new LongAdder();

    /** Counts an end payload the server sent for a reason of its own. */
    public void refused(Reason reason) {
        refusals.incrementAndGet(reason.ordinal());
    }

    void connectionRefused() {
        connectionsRefused.increment();
    }

    void violation() {
        violations.increment();
    }

    void heartbeatTimeout() {
        heartbeatTimeouts.increment();
    }

    /** A visibility question went to an explicit plugin (docs/minbus.md §18.7). */
    void visibilityQuestion() {
        visibilityQuestions.increment();
    }

    /** A visibility question got no answer within {@code visibility_timeout}. */
    void visibilityTimeout() {
        visibilityTimeouts.increment();
    }

    /** A direct question went to a target (docs/minbus.md §19.3). */
    void directQuestion() {
        directQuestions.increment();
    }

    /** A target answered a direct question with an offer. */
    void directOffer() {
        directOffers.increment();
    }

    public long visibilityQuestions() {
        return visibilityQuestions.sum();
    }

    public long visibilityTimeouts() {
        return visibilityTimeouts.sum();
    }

    public long directQuestions() {
        return directQuestions.sum();
    }

    public long directOffers() {
        return directOffers.sum();
    }

    /** A direction now buffers {@code direction} bytes after a change of {@code delta}. */
    void relayBuffered(long delta, long direction) {
        long total = relayBuffered.addAndGet(delta);
        if (delta > 0) {
            relayBufferedMax.accumulateAndGet(total, Math::max);
            directionMax.accumulateAndGet(direction, Math::max);
        }
    }

    void relayed(long bytes) {
        relayedBytes.add(bytes);
    }

    /** A relay direction's cap grew by {@code extra} bytes. */
    void relayGrown(long extra) {
        relayGrowths.increment();
    }

    public long relayGrowths() {
        return relayGrowths.sum();
    }

    public int connections() {
        return connections.get();
    }

    public int openRelays() {
        return openRelays.get();
    }

    public long relayBuffered() {
        return relayBuffered.get();
    }

    public long relayBufferedMax() {
        return relayBufferedMax.get();
    }

    public long relayDirectionMax() {
        return directionMax.get();
    }

    public long relayedBytes() {
        return relayedBytes.sum();
    }

    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public long violations() {
        return violations.sum();
    }

    public long heartbeatTimeouts() {
        return heartbeatTimeouts.sum();
    }

    /** Every reason counted at least once. */
    public Map<Reason, Long> refusals() {
        Map<Reason, Long> map = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            long n = refusals.get(r.ordinal());
            if (n > 0) {
                map.put(r, n);
            }
        }
        return map;
    }
}
