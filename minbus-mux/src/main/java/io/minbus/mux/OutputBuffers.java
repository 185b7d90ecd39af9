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
 * <p>Not thread-safe: every engine sharing it must run on the same thread.
 */
public final class OutputBuffers {
    private final int size;
    private final int keep;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long allocated;

    /**
     * @param size the capacity of each buffer; an engine needing more for one turn allocates a larger
     *             one, which is not kept
     * @param keep how many free buffers to keep for later turns; more are dropped
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

    /** Buffers allocated since the start, pooled or larger ones. */
    public long allocated() {
        return allocated;
    }

    /** A cleared direct buffer of at least {@code min} bytes: a pooled one if {@code min} fits. */
    ByteBuffer take(int min) {
        if (min <= size) {
            ByteBuffer b = free.pollLast();
            if (b != null) {
                return b.clear();
            }
        }
        allocated++;
        return ByteBuffer.allocateDirect(Math.max(size, min));
    }

    /** Gives back a buffer from {@link #take} that nobody reads any more. */
    void give(ByteBuffer b) {
        if (b.capacity() == size && b.isDirect() && free.size() < keep) {
            free.addLast(b.clear());
        }
    }
}
