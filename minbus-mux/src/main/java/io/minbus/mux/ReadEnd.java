package io.minbus.mux;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A half the session reads: received messages waiting for the application, reassembly of partial
 * payloads, and the credit refill of docs/protocol.md §13. The window bounds the bytes of complete
 * messages buffered plus the credit outstanding; a partial payload being reassembled is bounded by
 * max_message instead (§10), so its fragments are credited again as they arrive.
 */
final class ReadEnd extends End {
    private final ArrayDeque<ByteBuffer> messages = new ArrayDeque<>();
    private long buffered;
    private ByteBuffer assembling;
    private ByteBuffer closedReason;
    private boolean cancelledByUs;

    ReadEnd(SessionCore core, Half half) {
        super(core, half);
    }

    /** Grants the first window (lock held). */
    void open() {
        maybeGrant();
    }

    // ------------------------------------------------------------- events (lock held)

    void onData(ByteBuffer fragment, long total, boolean first, boolean last) {
        if (first && last) {
            messages.add(copy(fragment));
            buffered += total;
        } else {
            if (first) {
                assembling = ByteBuffer.allocate((int) Math.min(total, 64 * 1024));
            }
            if (assembling.remaining() < fragment.remaining()) {
                long want = Math.max(assembling.capacity() * 2L, assembling.position() + (long) fragment.remaining());
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(total, want));
                bigger.put(assembling.flip());
                assembling = bigger;
            }
            assembling.put(fragment);
            if (last) {
                messages.add(assembling.flip());
                assembling = null;
                buffered += total;
            }
        }
        maybeGrant();
        if (last) {
            signal(); // a fragment of a message nobody can take yet wakes nobody
        }
    }

    void onClosed(ByteBuffer reason) {
        assembling = null; // a partial payload the writer aborted (docs/protocol.md §9)
        closedReason = reason;
        signal();
    }

    private void maybeGrant() {
        if (half.isEndedByUs() || half.entity().isRemoved() || core.engine.isEnded()) {
            return;
        }
        long outstanding = core.engine.granted(half);
        long grantable = core.config.window() - buffered - outstanding;
        if (grantable > 0 && grantable >= outstanding) {
            core.engine.grant(half, grantable);
        }
    }

    // ------------------------------------------------------------- application side

    /**
     * The next message, waiting up to {@code deadline} (System.nanoTime based; Long.MAX_VALUE for ever).
     *
     * @return empty on timeout
     * @throws EndedException when the peer closed the half and every message was taken
     */
    Optional<ByteBuffer> receive(long deadline, boolean forever) {
        ByteBuffer m;
        boolean flushed = false;
        boolean write;
        core.lock.lock();
        try {
            while ((m = messages.poll()) == null) {
                if (closedReason != null) {
                    throw new EndedException("the peer closed " + half, closedReason.duplicate(), false);
                }
                checkUsable(); // a half the session ended after a missed pong is broken, not "cancelled"
                if (cancelledByUs) {
                    throw new IllegalStateException(half + " was cancelled by us");
                }
                if (!flushed && core.engine.hasQueuedChunks()) {
                    // messages sent without flush go out before we wait: their answer may be what we wait for
                    flushed = true;
                    core.lock.unlock();
                    try {
                        core.kick();
                    } finally {
                        core.lock.lock();
                    }
                    continue;
                }
                if (forever) {
                    await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Optional.empty();
                    }
                    await(left);
                }
            }
            buffered -= m.remaining();
            maybeGrant();
            write = core.engine.hasQueuedChunks(); // a grant, or messages sent without flush
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokenException("interrupted while waiting for a message on " + half, e);
        } finally {
            core.lock.unlock();
        }
        if (write) {
            core.kick();
        }
        return Optional.of(m);
    }

    /** Whether a message is waiting. */
    boolean hasMessage() {
        core.lock.lock();
        try {
            return !messages.isEmpty();
        } finally {
            core.lock.unlock();
        }
    }

    void cancel(ByteBuffer reason) {
        core.lock.lock();
        try {
            core.checkOpen();
            if (!cancelledByUs) {
                cancelledByUs = true;
                core.engine.cancel(half, reason);
                messages.clear();
                buffered = 0;
                assembling = null;
                signal();
            }
        } finally {
            core.lock.unlock();
        }
        core.kick();
    }

    Optional<ByteBuffer> closedReason() {
        core.lock.lock();
        try {
            return Optional.ofNullable(closedReason).map(ByteBuffer::asReadOnlyBuffer);
        } finally {
            core.lock.unlock();
        }
    }

    @Override
    void endAfterTimeout() {
        if (!cancelledByUs && !half.isEndedByUs()) {
            cancelledByUs = true;
            core.engine.cancel(half, ByteBuffer.allocate(0));
        }
    }

    static ByteBuffer copy(ByteBuffer src) {
        ByteBuffer b = ByteBuffer.allocate(src.remaining());
        b.put(src).flip();
        return b;
    }
}
