package io.minbus.mux;

import java.util.Optional;

/**
 * One entity of a connection (docs/protocol.md §4) as seen by one {@link MuxEngine}: the top level,
 * a request, a sink, a stream or a duplex, with the halves this side writes and reads. A handle: it
 * stays valid after the entity is removed, but then accepts no more commands.
 */
public final class Entity {
    private final EntityKind kind;
    private final long id;
    private final boolean createdByUs;
    private final Half write;
    private final Half read;
    boolean removed;
    /** Free for the owner of the engine (a session or a server) to attach its own state. */
    private Object attachment;

    Entity(EntityKind kind, long id, boolean createdByUs) {
        this.kind = kind;
        this.id = id;
        this.createdByUs = createdByUs;
        boolean creatorWrites = kind.creatorWrites();
        boolean creatorReads = kind.creatorReads();
        boolean weWrite = kind == EntityKind.TOP || (createdByUs ? creatorWrites : creatorReads);
        boolean weRead = kind == EntityKind.TOP || (createdByUs ? creatorReads : creatorWrites);
        this.write = weWrite ? new Half(this, true) : null;
        this.read = weRead ? new Half(this, false) : null;
    }

    /** What the entity is, from its creator's point of view. */
    public EntityKind kind() {
        return kind;
    }

    /** The id its creator chose (a request id for requests, a channel id otherwise; 0 for the top level). */
    public long id() {
        return id;
    }

    /** Whether this side created the entity (false for the top level and for entities the peer opened). */
    public boolean createdByUs() {
        return createdByUs;
    }

    /** The half this side writes, if the entity has one. */
    public Optional<Half> writeHalf() {
        return Optional.ofNullable(write);
    }

    /** The half this side reads, if the entity has one. */
    public Optional<Half> readHalf() {
        return Optional.ofNullable(read);
    }

    /** Whether all halves are done for this side and the entity left the engine (§8). */
    public boolean isRemoved() {
        return removed;
    }

    /** The owner's object attached with {@link #attach}, if any. */
    public Optional<Object> attachment() {
        return Optional.ofNullable(attachment);
    }

    /** Attaches an object of the engine's owner (a session's channel, a server's relay). */
    public void attach(Object value) {
        this.attachment = value;
    }

    Half write() {
        return write;
    }

    Half read() {
        return read;
    }

    boolean allDone() {
        return (write == null || write.isDone()) && (read == null || read.isDone());
    }

    /** E.g. {@code duplex#3} or {@code in-sink#3} style: the kind, the id, and who created it. */
    @Override
    public String toString() {
        return kind.label() + "#" + Long.toUnsignedString(id) + (kind == EntityKind.TOP ? "" : createdByUs ? "(ours)" : "(theirs)");
    }
}
