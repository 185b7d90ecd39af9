package io.minbus.mux;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A few direct output buffers shared by the engines of one thread, such as a server's selector loop
 * ({@link MuxEngine#outputBuffers}). An engine takes one when it has something to encode and gives it
 * back once everything in it was written, so a thousand idle connections hold none, while a busy one
 * neither allocates (and zeroes) a buffer per turn nor pays the copy of a heap buffer into a temporary
 * direct one that a socket write does.
 *
 * <p>At most {@code keep} direct buffers ever exist per pool, so its native memory is bounded:
 * when all are taken (many connections with output in the same turn), or a turn needs more than
 * {@code size} bytes, a heap buffer is handed out instead, which the garbage collector reclaims like
 * any other (a dropped direct buffer's memory is only freed after a collection, which a server with
 * little heap garbage may not run for a long time).
 *
 * <p>Not thread-safe: every engine sharing it must run on the same thread.
 */
public final class OutputBuffers {
    private final int size;
    private final int keep;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long allocated;
    /** Direct buffers of this pool in existence: taken or free; at most {@link #keep}. */
    private int direct;

    /**
     * @param size the capacity of each buffer; an engine needing more for one turn allocates a larger
     *             one, which is not kept
     * @param keep how many direct buffers the pool may own, taken or free
     */
    public OutputBuffers(int size, int keep) {
        if (size < 1024) {
            throw new IllegalArgumentException("output buffers must hold at least 1024 bytes, not " + size);
        }
        if (keep < 0) {
            throw new IllegalArgumentException("cannot keep " + keep + " buffers");
        }
        this.size = size;
        this.keep = keep;
    }

    /** The capacity of each pooled buffer. */
    public int size() {
        return size;
    }

    /** Free buffers held now. */
    public int free() {
        return free.size();
    }

    /** Buffers allocated since the start: direct pooled ones and heap ones beyond them. */
    public long allocated() {
        return allocated;
    }

    /**
     * A cleared buffer of at least {@code min} bytes: a pooled direct one if {@code min} fits and one
     * is free or may still be made, else a heap buffer of {@code min} bytes.
     */
    ByteBuffer take(int min) {
        if (min <= size) {
            ByteBuffer b = free.pollLast();
            if (b != null) {
                return b.clear();
            }
            if (direct < keep) {
                direct++;
                allocated++;
                return ByteBuffer.allocateDirect(size);
            }
        }
        allocated++;
        return ByteBuffer.allocate(min);
    }

    /** Gives back a buffer from {@link #take} that nobody reads any more (heap ones are simply dropped). */
    void give(ByteBuffer b) {
        if (b.isDirect() && b.capacity() == size) {
            free.addLast(b.clear());
        }
    }
}
