package io.minbus.mux;

import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkType;
import io.minbus.wire.ChunkWriter;
import io.minbus.wire.Flags;
import io.minbus.wire.VarU64;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Orders a connection's outgoing chunks and encodes them into one buffer (docs/protocol.md §13):
 * control chunks (opens, credit, pings, pongs, acks, cancels) first, in the order they were queued;
 * then data, one chunk per half per turn, round-robin over the halves that can send, each chunk at
 * most {@code maxChunk} bytes and never more than the credit; a close goes out after its half's data.
 * Everything queued at one moment is encoded into the same buffer, so it leaves in one write.
 */
final class OutputScheduler {
    private static final int MIN_TARGET = 16 * 1024;

    private final ArrayDeque<Chunk> control = new ArrayDeque<>();
    private final ArrayDeque<Half> ready = new ArrayDeque<>();
    private final int maxChunk;
    /** About how many bytes one {@link #output()} encodes. */
    private int target;
    private final FrameLog log;
    private final Consumer<Half> finalSent;
    /** Encoded bytes not yet taken by the owner; read mode between calls to {@link #output()}. */
    private ByteBuffer out;

    /**
     * @param maxChunk  the largest data payload per chunk (our chunk size, capped by the peer's max_frame)
     * @param finalSent told when a close or the last byte of a response left: the half's final chunk
     */
    private final ByteBuffer NONE = ByteBuffer.allocate(0);
    /** The first allocation when not retaining: most turns carry a few small chunks; ensure() grows it. */
    private static final int SMALL_FIRST = 4096;
    /** Keep the output buffer between turns (a client's one connection) or drop it when drained (a bus's thousands). */
    private boolean retain;
    /** Where a non-retained buffer comes from and goes back to; null: a heap buffer per turn. */
    private OutputBuffers pool;

    OutputScheduler(int maxChunk, FrameLog log, Consumer<Half> finalSent) {
        this.maxChunk = maxChunk;
        this.target = Math.max(MIN_TARGET, maxChunk + 64);
        this.log = log;
        this.finalSent = finalSent;
        this.out = NONE; // allocated when there is something to send, released when all was taken

    }

    /**
     * How many encoded bytes {@link #tryEncodeNow} and {@link #tryEncodeFragmentNow} let wait in
     * {@link #out} before messages queue: a 64 KiB message relayed in 16 KiB chunks, with its headers,
     * and a little more.
     */
    static final int EAGER_LIMIT = 80 * 1024;
    /** What {@link #output()} encodes per call when eager: fewer, larger writes. */
    private static final int EAGER_TARGET = 64 * 1024;
    private boolean eager;

    /** See {@link MuxEngine#encodeEagerly(boolean)}. */
    void eager(boolean value) {
        eager = value;
        if (value) {
            target = Math.max(target, EAGER_TARGET); // also fewer, larger writes for relayed bulk data
        }
    }

    boolean eager() {
        return eager;
    }

    /**
     * Encodes the whole {@code message} as one data chunk on {@code h} at once, behind the bytes
     * already encoded, if that cannot change the order of anything queued: no control chunk waits, the
     * half has no message queued and is not in the round-robin list, it has the credit, the message fits
     * one chunk and the encoded bytes stay within {@link #EAGER_LIMIT}.
     *
     * @return whether the message was encoded (consumed); false: queue it as usual
     */
    boolean tryEncodeNow(Half h, ByteBuffer message) {
        int n = message.remaining();
        if (n == 0 || n > maxChunk || !control.isEmpty() || h.scheduled || !h.messages.isEmpty()
                || !writableNow(h) || (h.credit >= 0 && h.credit < n)) {
            return false;
        }
        if (!roomNow(need(h, n))) {
            return false;
        }
        encodeNow(h, message, n);
        return true;
    }

    /**
     * Encodes the next bytes of {@code m}, the half's only message, straight from {@code fragment}
     * behind the bytes already encoded, instead of copying them into the message first (a relay
     * forwarding a fragment as it arrives): only if that cannot change the order of anything, as for
     * {@link #tryEncodeNow}, and everything supplied of {@code m} before has been encoded. Encodes
     * chunks of at most the chunk size while the credit and {@link #EAGER_LIMIT} allow: several only
     * when no other half waits for its turn. The Partial chunk goes first if this starts a message that
     * is not sent whole (docs/protocol.md §9).
     *
     * @return how many bytes of {@code fragment} were encoded (consumed); the rest is queued as usual
     */
    int tryEncodeFragmentNow(Half h, OutMessage m, ByteBuffer fragment) {
        int done = 0;
        while (fragment.hasRemaining() && control.isEmpty() && !h.scheduled && h.messages.peek() == m
                && m.buffered() == 0 && writableNow(h) && (done == 0 || ready.isEmpty())) {
            long credit = h.credit < 0 ? Long.MAX_VALUE : h.credit;
            int n = (int) Math.min(Math.min(fragment.remaining(), maxChunk), credit);
            if (n == 0) {
                break;
            }
            Chunk partial = m.started || n == m.total ? null : Chunk.partial(m.total);
            int need = need(h, n) + (partial == null ? 0 : ChunkWriter.size(partial));
            if (!roomNow(need)) {
                break;
            }
            if (partial != null) {
                int start = out.position();
                out.position(out.limit()).limit(out.capacity());
                ChunkWriter.write(out, partial);
                if (log.enabled()) {
                    log.sent(partial);
                }
                out.limit(out.position()).position(start);
            }
            m.started = true;
            encodeNow(h, fragment.slice(fragment.position(), n), n);
            fragment.position(fragment.position() + n);
            m.passed(n);
            done += n;
            if (m.complete()) {
                h.messages.poll();
            }
        }
        return done;
    }

    /** Whether nothing on {@code h} itself stops an eager encoding (a response ends its request: never eager). */
    private static boolean writableNow(Half h) {
        return h.weWrite() && !h.sentFinal && h.closeAfterData == null && !h.isResponse();
    }

    /** The bytes of one data chunk of {@code n} bytes on {@code h}. */
    private static int need(Half h, int n) {
        return 1 + VarU64.size(h.entity().id()) + VarU64.size(n) + n;
    }

    /**
     * Whether {@code need} more encoded bytes stay within {@link #EAGER_LIMIT}; if so, makes room for
     * them behind the pending bytes (read mode kept: the pending bytes may move).
     */
    private boolean roomNow(int need) {
        int pending = out.remaining();
        if (pending + need > EAGER_LIMIT) {
            return false;
        }
        if (out.capacity() - out.limit() < need) {
            if (out.capacity() - pending >= need) {
                out.compact().flip();
            } else {
                ByteBuffer bigger = fresh(Math.max(Math.max(out.capacity() * 2, SMALL_FIRST), pending + need));
                bigger.put(out).flip();
                recycle(out);
                out = bigger;
            }
        }
        return true;
    }

    /** Encodes {@code n} bytes of {@code data} as one data chunk behind the pending bytes (room made). */
    private void encodeNow(Half h, ByteBuffer data, int n) {
        int start = out.position();
        out.position(out.limit()).limit(out.capacity());
        ChunkType type = h.ourType();
        long id = h.entity().id();
        out.put((byte) (type.bits() | Flags.PAYLOAD));
        VarU64.write(out, id);
        VarU64.write(out, n);
        int at = out.position();
        out.put(data);
        if (log.enabled()) {
            log.sent(Chunk.payload(type, id, out.slice(at, n)));
        }
        out.limit(out.position()).position(start);
        h.credit -= n;
    }

    /** A buffer of at least {@code min} bytes for {@link #out}: from the pool, else heap or (retained) direct. */
    private ByteBuffer fresh(int min) {
        if (pool != null && !retain) {
            return pool.take(min);
        }
        return retain ? ByteBuffer.allocateDirect(min) : ByteBuffer.allocate(min);
    }

    /** Hands a buffer that {@link #out} no longer is back to the pool, if it came from one. */
    private void recycle(ByteBuffer b) {
        if (pool != null && b.isDirect() && !retain) {
            pool.give(b);
        }
    }

    /** See {@link MuxEngine#releaseOutputBuffer()} and {@link MuxEngine#dropOutputBuffer()} ({@code evenUnwritten}). */
    void release(boolean evenUnwritten) {
        if (!retain && (evenUnwritten || !out.hasRemaining()) && out != NONE) {
            recycle(out);
            out = NONE;
        }
    }

    /** See {@link MuxEngine#outputBuffers(OutputBuffers)}. */
    void pool(OutputBuffers value) {
        pool = value;
    }

    /** See {@link MuxEngine#retainOutputBuffer(boolean)}. */
    void retain(boolean value) {
        retain = value;
        if (!value && !out.hasRemaining()) {
            recycle(out);
            out = NONE;
        }
    }

    void queueControl(Chunk chunk) {
        control.add(chunk);
    }

    /** Puts the half into the round-robin list if it can send something now. */
    void schedule(Half half) {
        if (!half.scheduled && eligible(half)) {
            half.scheduled = true;
            ready.add(half);
        }
    }

    void unschedule(Half half) {
        if (half.scheduled) {
            half.scheduled = false;
            ready.remove(half);
        }
    }

    boolean hasQueuedChunks() {
        return !control.isEmpty() || !ready.isEmpty();
    }

    boolean hasOutput() {
        return out.hasRemaining() || hasQueuedChunks();
    }

    /** Bytes encoded and not yet taken. */
    int pendingBytes() {
        return out.remaining();
    }

    void clear() {
        control.clear();
        for (Half h : ready) {
            h.scheduled = false;
        }
        ready.clear();
        out.limit(out.position());
    }

    /**
     * Encodes queued chunks after the bytes still pending, up to about one chunk size, and returns
     * the buffer of everything pending, in read mode. The caller writes from it (advancing its
     * position); the buffer stays valid until the next call.
     */
    ByteBuffer output() {
        if (!out.hasRemaining() && !hasQueuedChunks()) {
            if (!retain) {
                recycle(out);
                out = NONE; // idle connections hold no output buffer (10,000 connections on a bus)
            }
            return out.limit(out.position());
        }
        if (out.capacity() == 0) {
            // Retained buffers are allocated once at full size, direct (a socket write from a heap buffer
            // copies it into a temporary direct one first); pooled ones are direct too and come at the
            // pool's size; the others start small, since allocating (and zeroing) a chunk-sized buffer
            // per turn cost more than the rest of a small send.
            out = (retain ? ByteBuffer.allocateDirect(target + 1024) : fresh(SMALL_FIRST)).limit(0);
        }
        out.compact();
        while (out.position() < target) {
            Chunk c = control.poll();
            if (c != null) {
                encode(c);
                continue;
            }
            Half h = ready.poll();
            if (h == null) {
                break;
            }
            h.scheduled = false;
            if (eligible(h)) {
                emit(h);
                schedule(h);
            }
        }
        return out.flip();
    }

    static boolean eligible(Half h) {
        if (h.sentFinal) {
            return false;
        }
        OutMessage m = h.messages.peek();
        if (m == null) {
            return h.closeAfterData != null;
        }
        return m.total == 0 || (m.buffered() > 0 && h.credit != 0);
    }

    /** Emits one chunk of the half's first message, or its close. */
    private void emit(Half h) {
        OutMessage m = h.messages.peek();
        if (m == null) {
            encode(Chunk.end(h.ourType(), h.entity().id(), h.closeAfterData));
            h.closeAfterData = null;
            finalSent.accept(h);
            return;
        }
        long credit = h.credit < 0 ? Long.MAX_VALUE : h.credit;
        int n = (int) Math.min(Math.min(m.buffered(), maxChunk), credit);
        if (!m.started) {
            m.started = true;
            if (n != m.total) {
                encode(Chunk.partial(m.total));
            }
        }
        encodeData(h, m, n);
        h.credit -= n;
        h.queuedBytes -= n;
        if (m.complete()) {
            h.messages.poll();
            if (h.isResponse()) {
                finalSent.accept(h);
            }
        }
    }

    private void encodeData(Half h, OutMessage m, int n) {
        ChunkType type = h.ourType();
        long id = h.entity().id();
        ensure(1 + VarU64.size(id) + VarU64.size(n) + n);
        out.put((byte) (type.bits() | Flags.PAYLOAD));
        VarU64.write(out, id);
        VarU64.write(out, n);
        int start = out.position();
        m.emitInto(out, n);
        if (log.enabled()) {
            log.sent(Chunk.payload(type, id, out.slice(start, n)));
        }
    }

    private void encode(Chunk c) {
        ensure(ChunkWriter.size(c));
        ChunkWriter.write(out, c);
        if (log.enabled()) {
            log.sent(c);
        }
    }

    /** Makes room for {@code n} more bytes (write mode). */
    private void ensure(int n) {
        if (out.remaining() < n) {
            int size = Math.max(out.capacity() * 2, out.position() + n);
            ByteBuffer bigger = out.isDirect() && pool == null ? ByteBuffer.allocateDirect(size) : fresh(size);
            out.flip();
            bigger.put(out);
            recycle(out);
            out = bigger;
        }
    }
}
