package io.minbus.mux;

import io.minbus.wire.ChunkType;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One half of an entity (docs/protocol.md §4): a one-way channel of messages, which this side either
 * writes or reads. A handle; all state is owned and changed by the {@link MuxEngine} it came from.
 *
 * <p>Termination state per §8: {@code sentFinal}/{@code receivedFinal}; {@code sentEnd} tells an end
 * (or a complete response) from an ack, for {@code UNEXPECTED_ACK}.
 */
public final class Half {
    private final Entity entity;
    private final boolean weWrite;

    boolean sentFinal;
    boolean sentEnd;
    boolean receivedFinal;
    /** Pings we sent on this half and whose pong has not come yet. */
    long pingsOutstanding;
    /** Whether the owner answers the peer's pings itself with {@link MuxEngine#pong} (a relay does). */
    boolean manualPongs;
    /** Pings received on this half that the owner has not answered yet (manual pongs only). */
    long pongsOwed;

    // --- a half we write ---
    /** Credit the peer granted us and we have not used yet (unsigned). */
    long credit;
    /** Messages announced and not completely emitted, oldest first. */
    final ArrayDeque<OutMessage> messages;
    /** Bytes supplied by the owner and not emitted yet. */
    long queuedBytes;
    /** The owner asked to close after the queued data; its end payload. */
    ByteBuffer closeAfterData;
    /** Whether the half is in the scheduler's round-robin list. */
    boolean scheduled;
    /** For a response half: a message was announced (only one is allowed). */
    boolean responseStarted;

    // --- a half we read ---
    /** Credit we granted and the peer has not used yet. */
    long granted;
    /** The total of the partial payload being received, 0 when not in partial mode. */
    long partialTotal;
    /** What is still to come of that partial payload. */
    long partialRemaining;

    Half(Entity entity, boolean weWrite) {
        this.entity = entity;
        this.weWrite = weWrite;
        this.messages = weWrite ? new ArrayDeque<>() : null;
    }

    /** The entity this half belongs to. */
    public Entity entity() {
        return entity;
    }

    /** True for the half this side writes, false for the one it reads. */
    public boolean weWrite() {
        return weWrite;
    }

    /** Whether this side has sent its final chunk (end, complete response or ack) on this half. */
    public boolean isEndedByUs() {
        return sentFinal;
    }

    /** Whether the peer has sent its final chunk on this half. */
    public boolean isEndedByPeer() {
        return receivedFinal;
    }

    /** Whether this side has sent and received a final chunk here (§8). */
    public boolean isDone() {
        return sentFinal && receivedFinal;
    }

    boolean isResponse() {
        return entity.kind() == EntityKind.REQUEST;
    }

    /** The chunk type this side uses to address this half (docs/protocol.md §6). */
    ChunkType ourType() {
        EntityKind kind = entity.kind();
        if (kind == EntityKind.TOP) {
            return weWrite ? ChunkType.OUT_SINK : ChunkType.OUT_STREAM;
        }
        if (kind == EntityKind.REQUEST) {
            return entity.createdByUs() ? ChunkType.OUT_REQUEST : ChunkType.IN_REQUEST;
        }
        if (entity.createdByUs()) {
            return weWrite ? ChunkType.OUT_SINK : ChunkType.OUT_STREAM;
        }
        return weWrite ? ChunkType.IN_SINK : ChunkType.IN_STREAM;
    }

    /** E.g. {@code duplex#3(ours)/write}. */
    @Override
    public String toString() {
        return entity + (weWrite ? "/write" : "/read");
    }
}
