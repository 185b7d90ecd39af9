package io.minbus.server;

import io.minbus.protocol.Reason;
import java.util.Map;

/**
 * A snapshot of a {@link MinBusServer}'s counters ({@link MinBusServer#stats()}). "Relay bytes buffered"
 * are bytes the server has taken from a relay's sender and not yet handed to the receiver's socket;
 * {@code relay_buffer} bounds them per relay direction (docs/minbus.md §9.2).
 *
 * @param connections              byte streams held now (counted against {@code max_connections})
 * @param registeredPlugins        named plugins registered now
 * @param namelessClients          nameless clients registered now
 * @param watchers                 connection streams open now
 * @param openRelays               relays whose reservations are held now (from the connect until both
 *                                 duplexes are finished)
 * @param relayBytesBuffered       relay bytes buffered now, all relays together
 * @param relayBytesBufferedMax    the most relay bytes buffered at one moment, all relays together
 * @param relayDirectionBufferedMax the most bytes one relay direction ever buffered (at most its cap:
 *                                 {@code relay_buffer}, up to {@code relay_buffer_max} once grown)
 * @param relayedBytes             relay data bytes handed to receivers since the start
 * @param relayGrowths              times a relay direction's cap grew (docs/minbus.md §9.2)
 * @param relayMemoryReserved      bytes of {@code relay_memory} reserved now: {@code 2 x relay_buffer} per
 *                                 open relay plus what grown caps added
 * @param refusals                 end payloads the server sent for reasons of its own, by reason (registration
 *                                 refusals, connect refusals, unexpected entities, limits); only reasons seen
 * @param connectionsRefused       byte streams closed before the preamble ({@code max_connections}, shutdown)
 * @param violations               connections closed for a protocol violation (including bad preambles)
 * @param heartbeatTimeouts        connections dropped because a heartbeat went unanswered
 * @param visibilityQuestions      visibility questions asked of {@code explicit} plugins since the start
 *                                 (docs/minbus.md §18.7; an answer is kept, so one per requester identity)
 * @param visibilityTimeouts       of those, questions not answered within {@code visibility_timeout}
 *                                 (each counted as a denial): a plugin whose policy hangs shows here
 * @param directQuestions          direct questions asked of targets since the start (docs/minbus.md §19.3)
 * @param directOffers             of those, answered with an offer (the initiator then connected directly,
 *                                 or could have: the server does not see the direct connection)
 */
public record ServerStats(
        int connections,
        int registeredPlugins,
        int namelessClients,
        int watchers,
        int openRelays,
        long relayBytesBuffered,
        long relayBytesBufferedMax,
        long relayDirectionBufferedMax,
        long relayedBytes,
        long relayGrowths,
        long relayMemoryReserved,
        Map<Reason, Long> refusals,
        long connectionsRefused,
        long violations,
        long heartbeatTimeouts,
        long visibilityQuestions,
        long visibilityTimeouts,
        long directQuestions,
        long directOffers) {

    public ServerStats {
        refusals = Map.copyOf(refusals);
    }

    /** How often the server ended something with {@code reason} (0 if never). */
    public long refusals(Reason reason) {
        return refusals.getOrDefault(reason, 0L);
    }
}
