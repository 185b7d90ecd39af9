package io.minbus.mux;

import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkReader;
import io.minbus.wire.ChunkType;
import io.minbus.wire.Flags;
import io.minbus.wire.Limits;
import io.minbus.wire.ProtocolViolationException;
import io.minbus.wire.Violation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sans-I/O minbus session engine: all state and rules of docs/protocol.md §4-§11 for one
 * connection, after the preamble. No I/O, no threads, no locks, no clocks; not thread-safe. This is
 * the low-level API for servers that drive many connections from a selector loop; applications use
 * {@link Session}, which wraps one engine.
 *
 * <ul>
 *   <li>Input: {@link #receive} decodes bytes, applies every rule and reports to the
 *       {@link MuxListener}; a broken rule throws {@link ProtocolViolationException} (then close the
 *       connection). {@link #endOfInput} at end of stream. Replies the rules require (pongs, acks of
 *       ends) are queued automatically; credit is never granted automatically ({@link #grant}).
 *   <li>Output: commands queue chunks; {@link #output()} encodes them into a buffer to write from
 *       (a partial write is fine: what is left stays for the next call). Control chunks go first,
 *       data round-robin over the halves, one chunk of at most the chunk size per turn.
 * </ul>
 *
 * <p>Size: this class is the protocol state machine (receive rules §7-§10 plus the commands that
 * mirror them) and stays in one piece so every rule can be read next to the state it guards;
 * output ordering lives in {@link OutputScheduler}.
 */
public final class MuxEngine {
    private final Limits ours;
    private final Limits peer;
    private final MuxListener listener;
    private final FrameLog log;
    private final ChunkReader reader;
    private final OutputScheduler scheduler;
    private final Entity top = new Entity(EntityKind.TOP, 0, false);
    private final Map<Long, Entity> ourChannels = new HashMap<>();
    private final Map<Long, Entity> ourRequests = new HashMap<>();
    private final Map<Long, Entity> peerChannels = new HashMap<>();
    private final Map<Long, Entity> peerRequests = new HashMap<>();
    private final IdAllocator channelIds = new IdAllocator(true);
    private final IdAllocator requestIds = new IdAllocator(false);
    private long openedByPeer;
    /** The total announced by the Partial chunk just received, 0 if the last chunk was not one. */
    private long pendingPartial;
    private String endedWhy = "";

    /**
     * @param ours      the limits we declared in our preamble (they bind the peer)
     * @param peer      the limits the peer declared (they bind us)
     * @param chunkSize the largest data payload to put in one chunk (fairness, §13); capped by the
     *                  peer's max_frame
     * @param listener  receives what {@link #receive} decodes
     * @param name      a prefix for the frame log, may be empty
     */
    public MuxEngine(Limits ours, Limits peer, int chunkSize, MuxListener listener, String name) {
        this.ours = Objects.requireNonNull(ours, "ours");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1 byte, not " + chunkSize);
        }
        this.log = new FrameLog(name);
        this.reader = new ChunkReader(ours.maxFrameInt());
        this.scheduler = new OutputScheduler(Math.min(chunkSize, peer.maxFrameInt()), log, this::finalSent);
    }

    /** The top level (channel id 0): both halves exist from the start and it is never removed. */
    public Entity top() {
        return top;
    }

    /** The limits the peer declared, which bind what we send. */
    public Limits peerLimits() {
        return peer;
    }

    /** The limits we declared, which bind the peer. */
    public Limits ourLimits() {
        return ours;
    }

    /** Entities we created that are not removed yet (counted against the peer's max_entities). */
    public long openedByUs() {
        return ourChannels.size() + ourRequests.size();
    }

    /** Entities the peer created that are not removed yet (counted against our max_entities). */
    public long openedByPeer() {
        return openedByPeer;
    }

    /** Whether the input ended or broke a rule; then the engine accepts no more commands. */
    public boolean isEnded() {
        return !endedWhy.isEmpty();
    }

    // ---------------------------------------------------------------- opening (§7.1)

    /** Opens a sink (a half we write) with an opening payload, which is consumed. */
    public Entity openSink(ByteBuffer opening) {
        return open(EntityKind.SINK, ChunkType.OUT_SINK, opening, 0);
    }

    /** Opens a stream (a half we read), granting {@code credit} bytes at once. */
    public Entity openStream(ByteBuffer opening, long credit) {
        return open(EntityKind.STREAM, ChunkType.OUT_STREAM, opening, credit);
    }

    /** Opens a duplex, granting {@code credit} bytes on the half we read at once. */
    public Entity openDuplex(ByteBuffer opening, long credit) {
        return open(EntityKind.DUPLEX, ChunkType.DUPLEX, opening, credit);
    }

    /** Sends a request, granting {@code credit} bytes for the response at once. */
    public Entity openRequest(ByteBuffer request, long credit) {
        return open(EntityKind.REQUEST, ChunkType.OUT_REQUEST, request, credit);
    }

    private Entity open(EntityKind kind, ChunkType type, ByteBuffer opening, long credit) {
        checkLive();
        if (credit < 0) {
            throw new IllegalArgumentException("credit must not be negative: " + credit);
        }
        if (Long.compareUnsigned(openedByUs(), peer.maxEntities()) >= 0) {
            throw new MuxLimitException("the peer allows at most " + Long.toUnsignedString(peer.maxEntities())
                    + " open entities created by us (its max_entities); close some first");
        }
        checkFrame(opening, "an opening payload");
        boolean request = kind == EntityKind.REQUEST;
        long id = (request ? requestIds : channelIds).allocate();
        Entity e = new Entity(kind, id, true);
        (request ? ourRequests : ourChannels).put(id, e);
        int flags = Flags.PAYLOAD;
        if (credit > 0) {
            flags |= Flags.CREDIT;
            e.read().granted = credit;
        }
        scheduler.queueControl(new Chunk(type, id, flags, copy(opening), credit, Chunk.empty()));
        return e;
    }

    // ---------------------------------------------------------------- writing (§7.2, §9)

    /**
     * Queues one whole message on a half we write (for a request the peer sent: the response). The
     * bytes are copied (the buffer is consumed). It leaves as credit allows, in one chunk or as a
     * partial payload.
     *
     * @return false if the half was already ended (the peer cancelled it and we acked): discarded
     * @throws MuxLimitException if longer than the peer's max_message
     */
    public boolean send(Half half, ByteBuffer message) {
        if (scheduler.eager()) {
            checkWritable(half);
            if (Long.compareUnsigned(message.remaining(), peer.maxMessage()) <= 0
                    && scheduler.tryEncodeNow(half, message)) {
                return true;
            }
        }
        if (!startMessage(half, message.remaining())) {
            message.position(message.limit());
            return false;
        }
        return appendMessage(half, message);
    }

    /**
     * Announces a message of {@code total} bytes on a half we write; its bytes follow with
     * {@link #appendMessage}, in as many pieces as convenient (what a relay needs to forward fragments
     * as they arrive). The previous message must have been supplied completely.
     *
     * @return false if the half was already ended by the peer's cancel (nothing queued)
     * @throws MuxLimitException if {@code total} exceeds the peer's max_message
     */
    public boolean startMessage(Half half, long total) {
        checkWritable(half);
        if (total < 0 || Long.compareUnsigned(total, peer.maxMessage()) > 0) {
            throw new MuxLimitException("a message of " + Long.toUnsignedString(total)
                    + " bytes exceeds the peer's max_message " + Long.toUnsignedString(peer.maxMessage()));
        }
        if (half.sentFinal && !half.sentEnd) {
            return false;
        }
        if (half.sentFinal || half.closeAfterData != null) {
            throw new IllegalStateException(half + " is closed");
        }
        if (half.isResponse() && half.responseStarted) {
            throw new IllegalStateException("a request has one response, and " + half + " has it already");
        }
        OutMessage last = half.messages.peekLast();
        if (last != null && !last.fullySupplied()) {
            throw new IllegalStateException("the previous message on " + half + " still lacks "
                    + (last.total - last.supplied) + " of its " + last.total + " bytes");
        }
        if (half.isResponse()) {
            half.responseStarted = true;
        }
        half.messages.add(new OutMessage(total));
        scheduler.schedule(half);
        return true;
    }

    /**
     * Supplies the next bytes of the message announced last on {@code half} (copied; the buffer is
     * consumed).
     *
     * @return false if the half was ended by the peer's cancel meanwhile: the bytes were discarded
     * @throws IllegalStateException if no message is announced or it would grow past its total
     */
    public boolean appendMessage(Half half, ByteBuffer bytes) {
        return append(half, bytes, false);
    }

    /**
     * Like {@link #appendMessage}, but keeps a view of {@code bytes} instead of a copy: the caller must
     * not change them until {@link #detach} (which copies what was not encoded yet). A blocking send
     * that gets its message encoded before it returns so copies it once instead of twice.
     */
    boolean appendBorrowed(Half half, ByteBuffer bytes) {
        return append(half, bytes, true);
    }

    /** Copies the bytes of {@code half}'s queued messages that are still views of a sender's buffer. */
    void detach(Half half) {
        if (!half.weWrite()) {
            return;
        }
        for (OutMessage m : half.messages) {
            m.detach();
        }
    }

    private boolean append(Half half, ByteBuffer bytes, boolean borrow) {
        checkLive();
        if (!half.weWrite()) {
            throw new IllegalStateException(half + " is read by us, not written");
        }
        if (half.sentFinal) {
            bytes.position(bytes.limit());
            return false;
        }
        OutMessage m = half.messages.peekLast();
        if (m == null || m.supplied + bytes.remaining() > m.total) {
            throw new IllegalStateException("no announced message on " + half + " has room for "
                    + bytes.remaining() + " more bytes");
        }
        if (bytes.hasRemaining() && scheduler.eager()) {
            scheduler.tryEncodeFragmentNow(half, m, bytes); // consumes what it encoded
        }
        if (bytes.hasRemaining()) {
            int n = bytes.remaining();
            if (borrow) {
                m.append(bytes.slice(), true);
                bytes.position(bytes.limit());
            } else {
                m.append(copy(bytes));
            }
            half.queuedBytes += n;
            scheduler.schedule(half);
        }
        return true;
    }

    /** Bytes supplied on a half we write that have not been encoded yet (a relay caps this). */
    public long queuedBytes(Half half) {
        return half.weWrite() ? half.queuedBytes : 0;
    }

    /** Credit the peer granted us on a half we write and that no encoded chunk has used (unsigned). */
    public long credit(Half half) {
        return half.weWrite() ? half.credit : 0;
    }

    /** Credit we granted on a half we read that the peer has not used yet. */
    public long granted(Half half) {
        return half.weWrite() ? 0 : half.granted;
    }

    /**
     * Closes a half we write after its queued data (for a request the peer sent: refuses to respond),
     * with an end payload (consumed).
     *
     * @return false if the half was already ended by the peer's cancel
     * A message whose bytes were not all supplied is dropped; if some of it was sent already, the end
     * aborts it on the peer's side (§9).
     *
     * @throws IllegalStateException if closed before
     */
    public boolean close(Half half, ByteBuffer reason) {
        checkWritable(half);
        if (half.sentFinal && !half.sentEnd) {
            reason.position(reason.limit());
            return false;
        }
        if (half.sentFinal || half.closeAfterData != null) {
            throw new IllegalStateException(half + " is closed already");
        }
        if (half.isResponse() && half.responseStarted) {
            throw new IllegalStateException("the response on " + half + " is on its way; it ends the request");
        }
        checkFrame(reason, "an end payload");
        OutMessage last = half.messages.peekLast();
        if (last != null && !last.fullySupplied()) {
            // a message not supplied in full is dropped; if it started, the end aborts it (§9)
            half.messages.pollLast();
            half.queuedBytes -= last.buffered();
        }
        half.closeAfterData = copy(reason);
        scheduler.schedule(half);
        return true;
    }

    // ---------------------------------------------------------------- reading side commands

    /** Grants the peer {@code amount} more bytes of credit on a half we read. Ignored once we ended it. */
    public void grant(Half half, long amount) {
        checkLive();
        if (half.weWrite()) {
            throw new IllegalStateException(half + " is written by us; credit is granted by its reader");
        }
        if (amount < 0 || half.granted + amount < 0) {
            throw new IllegalArgumentException("cannot grant " + amount + " more bytes on " + half);
        }
        if (amount == 0 || half.sentFinal || half.entity().isRemoved()) {
            return;
        }
        half.granted += amount;
        scheduler.queueControl(Chunk.credit(half.ourType(), half.entity().id(), amount));
    }

    /**
     * Cancels a half we read (for our request: we no longer want the response), with an end payload
     * (consumed). Data already on its way is still credit-checked and then dropped.
     *
     * @return false if we had ended the half already (cancelled before, or acked the peer's close)
     */
    public boolean cancel(Half half, ByteBuffer reason) {
        checkLive();
        if (half.weWrite()) {
            throw new IllegalStateException(half + " is written by us: close it instead of cancelling");
        }
        if (half.sentFinal || half.entity().isRemoved()) {
            reason.position(reason.limit());
            return false;
        }
        checkFrame(reason, "an end payload");
        half.sentFinal = true;
        half.sentEnd = true;
        scheduler.queueControl(Chunk.end(half.ourType(), half.entity().id(), copy(reason)));
        return true;
    }

    /**
     * Pings a half (§7.4); the pong is reported by {@link MuxListener#pong}.
     *
     * @return false if we ended the half already: then no ping may be sent
     */
    /**
     * Lets the owner answer the peer's pings on {@code half} itself, with {@link #pong}, instead of the
     * engine answering at once. A relay uses this to pass a ping on and answer only when the far end
     * answered (docs/minbus.md), so a heartbeat checks the whole path. Off by default.
     */
    public void manualPongs(Half half, boolean manual) {
        half.manualPongs = manual;
    }

    /**
     * Answers the oldest unanswered ping on a half with manual pongs (§7.4).
     *
     * @return false if no ping is owed, or we have ended the half (then no pong may be sent)
     */
    public boolean pong(Half half) {
        checkLive();
        if (half.pongsOwed == 0 || half.sentFinal || half.entity().isRemoved()) {
            return false;
        }
        half.pongsOwed--;
        scheduler.queueControl(Chunk.of(half.ourType(), half.entity().id(), 0));
        return true;
    }

    public boolean ping(Half half) {
        checkLive();
        if (half.sentFinal || half.entity().isRemoved()) {
            return false;
        }
        half.pingsOutstanding++;
        scheduler.queueControl(Chunk.of(half.ourType(), half.entity().id(), Flags.PING));
        return true;
    }

    // ---------------------------------------------------------------- output

    /** Whether encoded bytes or queued chunks are waiting to be written. */
    public boolean hasOutput() {
        return scheduler.hasOutput();
    }

    /** Whether chunks are queued that {@link #output()} has not encoded yet. */
    public boolean hasQueuedChunks() {
        return scheduler.hasQueuedChunks();
    }

    /**
     * Encodes queued chunks (about one chunk size at most per call, control first) behind any bytes
     * left over from the previous call, and returns the buffer holding them, in read mode. Write from
     * it (a gathering or a partial non-blocking write is fine) and call again; the buffer stays valid
     * until the next call.
     */
    public ByteBuffer output() {
        return scheduler.output();
    }

    /**
     * Whether {@link #output()} keeps its buffer (one chunk size plus a little) between calls. Off by
     * default, so that a server holding thousands of idle connections holds no output buffers, and
     * allocates a small one per turn; a client with one connection turns it on and allocates once.
     */
    public MuxEngine retainOutputBuffer(boolean value) {
        scheduler.retain(value);
        return this;
    }

    /**
     * Lets {@link #send} encode a small whole message at once, behind the bytes already encoded,
     * when nothing else waits to go out on that half or as a control chunk and the half has the credit
     * for it (a single-threaded owner only, such as a server's selector loop: the message then skips
     * the queue, a copy and the round-robin turn). {@link #appendMessage} does the same for the next
     * bytes of a message whose earlier bytes were all encoded (a relay forwarding fragments as they
     * arrive): chunks of at most the chunk size, several only while no other half waits. Encoded bytes
     * that {@link #output()} returned and the owner has not written yet stay in the same buffer, so at
     * most about 80 KiB are held that way; beyond that, messages queue as usual; and {@link #output()}
     * then encodes up to about 64 KiB per call instead of one chunk size, for fewer, larger writes.
     * Such a {@code send} or {@code appendMessage} may move the bytes not yet written within their
     * buffer or to a larger one: after either, call {@link #output()} again (it returns them, followed
     * by the new ones) instead of writing on from a buffer it returned before; and never write from that
     * buffer concurrently with them. Off by default.
     */
    public MuxEngine encodeEagerly(boolean value) {
        scheduler.eager(value);
        return this;
    }

    /**
     * Takes the output buffer from {@code buffers} when there is something to encode and gives it back
     * once all of it was taken, instead of allocating a small heap buffer per turn (without
     * {@link #retainOutputBuffer}): for the engines of one selector loop, which then share a few direct
     * buffers. Every engine using {@code buffers} must run on the same thread.
     */
    public MuxEngine outputBuffers(OutputBuffers buffers) {
        scheduler.pool(Objects.requireNonNull(buffers, "buffers"));
        return this;
    }

    /**
     * Lets go of the output buffer if everything in it was taken (without {@link #retainOutputBuffer}):
     * back to the pool of {@link #outputBuffers}, or to the garbage collector. Call it once a turn's
     * output is written, so that an idle connection holds no buffer; {@link #output()} does the same
     * when it finds nothing to encode.
     */
    public void releaseOutputBuffer() {
        scheduler.release(false);
    }

    /**
     * Lets go of the output buffer even if bytes in it were not taken: for an owner that closed the
     * connection and will never write them. Its buffer then goes back to {@link #outputBuffers}.
     */
    public void dropOutputBuffer() {
        scheduler.release(true);
    }

    // ---------------------------------------------------------------- input (§5-§10)

    /**
     * Decodes {@code input} (consumed; any fragmentation) and applies the rules to each chunk.
     *
     * @throws ProtocolViolationException when the peer broke a rule: close the connection
     */
    public void receive(ByteBuffer input) {
        checkLive();
        try {
            reader.feed(input, pieces);
        } catch (ProtocolViolationException e) {
            endedWhy = e.getMessage();
            scheduler.clear();
            throw e;
        }
    }

    /**
     * The input ended: every entity that is still live is reported {@link MuxListener#broken}.
     *
     * @throws ProtocolViolationException {@link Violation#TRUNCATED} if it ended inside a chunk
     */
    public void endOfInput() {
        checkLive();
        endedWhy = "the input ended";
        scheduler.clear();
        reader.endOfInput();
        List<Entity> live = new ArrayList<>();
        live.add(top);
        live.addAll(ourChannels.values());
        live.addAll(ourRequests.values());
        live.addAll(peerChannels.values());
        live.addAll(peerRequests.values());
        for (Entity e : live) {
            listener.broken(e);
        }
    }

    /** What the reader calls: whole chunks, and large data chunks in pieces as they arrive. */
    private final ChunkReader.PieceHandler pieces = new ChunkReader.PieceHandler() {
        @Override
        public void onChunk(Chunk chunk) {
            MuxEngine.this.onChunk(chunk, chunk.payload().remaining());
        }

        @Override
        public void onFirstPiece(Chunk header, int length) {
            MuxEngine.this.onChunk(header, length);
        }

        @Override
        public void onNextPiece(ByteBuffer piece, boolean last) {
            MuxEngine.this.onNextPiece(piece, last);
        }
    };

    /** The half whose data chunk is arriving in pieces (ChunkReader.PieceHandler), null if none. */
    private Half pieceHalf;
    private long pieceTotal;
    /** Whether the next non-empty piece is the first bytes of its message. */
    private boolean pieceFirst;
    /** Whether the chunk's last byte is its message's last byte. */
    private boolean pieceEndsMessage;

    /**
     * Applies a chunk whose payload field is {@code length} bytes long; its payload holds them all, or
     * only the first piece of them (the rest follows by {@link #onNextPiece}).
     */
    private void onChunk(Chunk c, int length) {
        if (log.enabled()) {
            log.received(length == c.payload().remaining() ? c
                    : Chunk.payload(c.type(), c.id(), ByteBuffer.allocate(length))); // the frame log shows the whole length
        }
        ChunkType type = c.type();
        if (type == ChunkType.PARTIAL) {
            if (pendingPartial != 0) {
                throw violation(Violation.PARTIAL_TARGET, "a Partial chunk followed a Partial chunk");
            }
            if (Long.compareUnsigned(c.total(), ours.maxMessage()) > 0) {
                throw violation(Violation.PARTIAL_TOO_LARGE, "a partial payload of " + Long.toUnsignedString(c.total())
                        + " bytes exceeds our max_message " + ours.maxMessage());
            }
            pendingPartial = c.total();
            return;
        }
        long partial = pendingPartial;
        pendingPartial = 0;
        long id = c.id();
        boolean request = type.isRequest();
        Entity e;
        if (type == ChunkType.DUPLEX) {
            if (id == 0) {
                throw violation(Violation.TOP_LEVEL, "the top level (channel 0) is never created: " + c);
            }
            if (peerChannels.containsKey(id)) {
                throw violation(Violation.ID_IN_USE, "the peer's channel id " + Long.toUnsignedString(id)
                        + " is still in use: " + c);
            }
            requireNoPartial(partial, c);
            create(c);
            return;
        } else if (type.senderCreated()) {
            e = !request && id == 0 ? top : (request ? peerRequests : peerChannels).get(id);
            if (e == null) {
                requireNoPartial(partial, c);
                create(c);
                return;
            }
        } else {
            if (!request && id == 0) {
                throw violation(Violation.TOP_LEVEL, "the top level is addressed with Out types only: " + c);
            }
            e = (request ? ourRequests : ourChannels).get(id);
            if (e == null) {
                throw violation(Violation.UNKNOWN_ENTITY, "we have no " + (request ? "request" : "channel")
                        + " with id " + Long.toUnsignedString(id) + ": " + c);
            }
        }
        boolean senderWrites = type.senderWrites();
        Half h = senderWrites ? e.read() : e.write();
        if (partial != 0 && (!c.has(Flags.PAYLOAD) || !senderWrites || h == null || h.partialTotal != 0)) {
            throw violation(Violation.PARTIAL_TARGET, "a Partial chunk must be followed by data on a half"
                    + " its sender writes and that is not receiving a partial payload, not " + c);
        }
        if (h == null) {
            throw violation(Violation.NO_SUCH_HALF, e + " has no half that the sender "
                    + (senderWrites ? "writes" : "reads") + ": " + c);
        }
        if (h.receivedFinal) {
            throw violation(Violation.AFTER_END, "the peer already sent its final chunk on " + h + ": " + c);
        }
        int f = c.flags();
        if ((f & Flags.ACK) != 0 && f != Flags.ACK) {
            throw violation(Violation.FLAG_NOT_ALLOWED, "an ack must stand alone: " + c);
        }
        if ((f & Flags.PAYLOAD) != 0 && !senderWrites) {
            throw violation(Violation.FLAG_NOT_ALLOWED, "data from the reader of " + h + ": " + c);
        }
        if ((f & Flags.CREDIT) != 0 && senderWrites) {
            throw violation(Violation.FLAG_NOT_ALLOWED, "credit from the writer of " + h + ": " + c);
        }
        if (type == ChunkType.IN_REQUEST && (f & (Flags.PAYLOAD | Flags.END)) == (Flags.PAYLOAD | Flags.END)) {
            throw violation(Violation.FLAG_NOT_ALLOWED, "a response cannot also refuse: " + c);
        }
        if ((f & Flags.PAYLOAD) != 0) {
            onData(h, length, c.payload(), partial);
        }
        if ((f & Flags.CREDIT) != 0) {
            onCredit(h, c.credit());
        }
        if ((f & Flags.PING) != 0) {
            if (!h.sentFinal) {
                if (h.manualPongs) {
                    h.pongsOwed++;
                } else {
                    scheduler.queueControl(Chunk.of(h.ourType(), id, 0));
                }
            }
            listener.pinged(h);
        }
        if ((f & Flags.END) != 0) {
            onEnd(h, c.end());
        }
        if (f == Flags.ACK) {
            if (!h.sentEnd) {
                throw violation(Violation.UNEXPECTED_ACK, "we have not ended " + h + ": " + c);
            }
            h.receivedFinal = true;
            listener.acked(h);
            maybeRemove(e);
        }
        if (f == 0 && h.pingsOutstanding > 0) {
            h.pingsOutstanding--;
            listener.pong(h);
        }
    }

    private void create(Chunk c) {
        int f = c.flags();
        if ((f & Flags.PAYLOAD) == 0) {
            throw violation(Violation.CREATE_WITHOUT_PAYLOAD, "a chunk that creates an entity needs an opening payload: " + c);
        }
        if ((f & (Flags.PING | Flags.END | Flags.ACK)) != 0
                || ((f & Flags.CREDIT) != 0 && c.type() == ChunkType.OUT_SINK)) {
            throw violation(Violation.FLAG_NOT_ALLOWED, "flag not allowed on a creating chunk: " + c);
        }
        if (Long.compareUnsigned(openedByPeer, ours.maxEntities()) >= 0) {
            throw violation(Violation.TOO_MANY_ENTITIES, "the peer already has " + openedByPeer
                    + " open entities, our max_entities: " + c);
        }
        EntityKind kind = switch (c.type()) {
            case OUT_REQUEST -> EntityKind.REQUEST;
            case OUT_SINK -> EntityKind.SINK;
            case OUT_STREAM -> EntityKind.STREAM;
            default -> EntityKind.DUPLEX;
        };
        Entity e = new Entity(kind, c.id(), false);
        (kind == EntityKind.REQUEST ? peerRequests : peerChannels).put(c.id(), e);
        openedByPeer++;
        if ((f & Flags.CREDIT) != 0) {
            e.write().credit = c.credit();
        }
        listener.opened(e, copy(c.payload()));
        if ((f & Flags.CREDIT) != 0 && c.credit() != 0) {
            listener.credit(e.write(), c.credit());
        }
    }

    /**
     * A data chunk of {@code n} bytes on {@code h}; {@code payload} holds them all, or only its first
     * piece (then the chunk is finished by {@link #onNextPiece}).
     */
    private void onData(Half h, int n, ByteBuffer payload, long partial) {
        if (Long.compareUnsigned(n, h.granted) > 0) {
            throw violation(Violation.CREDIT_EXCEEDED, n + " bytes of data on " + h + " with only "
                    + h.granted + " bytes of credit granted");
        }
        h.granted -= n;
        long total;
        boolean first;
        if (partial != 0) {
            if (Long.compareUnsigned(n, partial) > 0) {
                throw violation(Violation.PARTIAL_OVERRUN, "a first fragment of " + n + " bytes for a partial payload of "
                        + Long.toUnsignedString(partial) + " on " + h);
            }
            total = partial;
            first = true;
            h.partialTotal = partial;
            h.partialRemaining = partial - n;
        } else if (h.partialTotal != 0) {
            if (n > h.partialRemaining) {
                throw violation(Violation.PARTIAL_OVERRUN, "a fragment of " + n + " bytes where " + h.partialRemaining
                        + " remain on " + h);
            }
            total = h.partialTotal;
            first = false;
            h.partialRemaining -= n;
        } else {
            total = n;
            first = true;
        }
        boolean last = h.partialRemaining == 0;
        if (last) {
            h.partialTotal = 0;
        }
        if (payload.remaining() < n) {
            pieceHalf = h;
            pieceTotal = total;
            pieceFirst = first && !payload.hasRemaining();
            pieceEndsMessage = last;
            if (payload.hasRemaining() && !h.sentFinal) {
                listener.data(h, payload, total, first, false);
            }
            return;
        }
        if (!h.sentFinal) {
            listener.data(h, payload, total, first, last);
        }
        if (last && h.isResponse()) {
            peerFinal(h);
        }
    }

    /** The next bytes of the data chunk arriving in pieces; {@code lastPiece}: the chunk is complete. */
    private void onNextPiece(ByteBuffer piece, boolean lastPiece) {
        Half h = pieceHalf;
        boolean last = lastPiece && pieceEndsMessage;
        if (lastPiece) {
            pieceHalf = null;
        }
        if (!h.sentFinal) {
            listener.data(h, piece, pieceTotal, pieceFirst, last);
            pieceFirst = false;
        }
        if (last && h.isResponse()) {
            peerFinal(h);
        }
    }

    private void onCredit(Half h, long amount) {
        if (h.sentFinal) {
            return; // §7.3: credit after we closed is ignored
        }
        long sum = h.credit + amount;
        if (Long.compareUnsigned(sum, h.credit) < 0) {
            throw violation(Violation.CREDIT_OVERFLOW, "credit on " + h + " would exceed 2^64-1");
        }
        h.credit = sum;
        if (amount != 0) {
            listener.credit(h, amount);
            scheduler.schedule(h);
        }
    }

    private void onEnd(Half h, ByteBuffer end) {
        if (!h.weWrite() && h.partialTotal != 0) {
            // §9: the writer's end aborts the partial payload; what arrived of it is discarded
            h.partialTotal = 0;
            h.partialRemaining = 0;
        }
        ByteBuffer reason = copy(end);
        h.receivedFinal = true;
        ackIfNeeded(h);
        if (h.weWrite()) {
            listener.cancelled(h, reason);
        } else {
            listener.closed(h, reason);
        }
        maybeRemove(h.entity());
    }

    /** The peer's final chunk that is not an ack (an end, or a complete response) arrived on {@code h}. */
    private void peerFinal(Half h) {
        h.receivedFinal = true;
        ackIfNeeded(h);
        maybeRemove(h.entity());
    }

    private void ackIfNeeded(Half h) {
        if (h.sentFinal) {
            return; // the two ends crossed (§8.2)
        }
        h.sentFinal = true;
        if (h.weWrite()) {
            h.messages.clear();
            h.queuedBytes = 0;
            h.closeAfterData = null;
            scheduler.unschedule(h);
        }
        scheduler.queueControl(Chunk.of(h.ourType(), h.entity().id(), Flags.ACK));
    }

    /** Called by the scheduler when a close or the end of a response was encoded. */
    private void finalSent(Half h) {
        h.sentFinal = true;
        h.sentEnd = true;
        maybeRemove(h.entity());
    }

    private void maybeRemove(Entity e) {
        if (e.kind() == EntityKind.TOP || e.removed || !e.allDone()) {
            return;
        }
        e.removed = true;
        boolean request = e.kind() == EntityKind.REQUEST;
        if (e.createdByUs()) {
            (request ? ourRequests : ourChannels).remove(e.id());
            (request ? requestIds : channelIds).release(e.id());
        } else {
            (request ? peerRequests : peerChannels).remove(e.id());
            openedByPeer--;
        }
        listener.removed(e);
    }

    // ---------------------------------------------------------------- checks

    /**
     * Checks the engine's internal invariants (for tests): credit and queue accounting, entity counts.
     *
     * @throws AssertionError naming the broken invariant
     */
    public void checkInvariants() {
        List<Entity> all = new ArrayList<>();
        all.add(top);
        all.addAll(ourChannels.values());
        all.addAll(ourRequests.values());
        all.addAll(peerChannels.values());
        all.addAll(peerRequests.values());
        for (Entity e : all) {
            for (Half h : new Half[] {e.write(), e.read()}) {
                if (h == null) {
                    continue;
                }
                if (h.granted < 0 || h.partialRemaining < 0 || h.pingsOutstanding < 0) {
                    throw new AssertionError("negative counter on " + h);
                }
                if (h.weWrite()) {
                    long sum = 0;
                    for (OutMessage m : h.messages) {
                        sum += m.buffered();
                        if (m.emitted > m.supplied || m.supplied > m.total) {
                            throw new AssertionError("message accounting broken on " + h);
                        }
                    }
                    if (sum != h.queuedBytes) {
                        throw new AssertionError("queued bytes " + h.queuedBytes + " != " + sum + " on " + h);
                    }
                    if (h.scheduled != OutputScheduler.eligible(h) && !h.scheduled) {
                        throw new AssertionError(h + " can send but is not scheduled");
                    }
                }
                if (h.isDone() && e.kind() != EntityKind.TOP) {
                    if (e.allDone()) {
                        throw new AssertionError(e + " is done but not removed");
                    }
                }
            }
        }
        if (openedByPeer != peerChannels.size() + peerRequests.size()) {
            throw new AssertionError("peer entity count " + openedByPeer + " is off");
        }
    }

    private void requireNoPartial(long partial, Chunk c) {
        if (partial != 0) {
            throw violation(Violation.PARTIAL_TARGET, "a Partial chunk must be followed by data on an existing half, not " + c);
        }
    }

    private void checkLive() {
        if (isEnded()) {
            throw new IllegalStateException("the connection has ended: " + endedWhy);
        }
    }

    private void checkWritable(Half half) {
        checkLive();
        if (!half.weWrite()) {
            throw new IllegalStateException(half + " is read by us, not written");
        }
    }

    private void checkFrame(ByteBuffer payload, String what) {
        if (Long.compareUnsigned(payload.remaining(), peer.maxFrame()) > 0) {
            throw new MuxLimitException(what + " of " + payload.remaining() + " bytes exceeds the peer's max_frame "
                    + Long.toUnsignedString(peer.maxFrame()));
        }
    }

    private static ByteBuffer copy(ByteBuffer src) {
        ByteBuffer b = ByteBuffer.allocate(src.remaining());
        b.put(src).flip();
        return b;
    }

    private static ProtocolViolationException violation(Violation v, String detail) {
        return new ProtocolViolationException(v, detail);
    }
}
