package io.minbus.mux;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A half the session writes. {@link #send} waits for credit and hands the engine at most as many
 * bytes as there is credit for, so what is queued per half never exceeds the peer's window; a
 * message larger than the credit or the chunk size goes out as a partial payload (§9).
 */
final class WriteEnd extends End {
    private static final int MAX_PIECE = 1024 * 1024;
    /** A {@link #send} without flush writes once this many bytes of the half wait unwritten. */
    static final int FLUSH_AT = 32 * 1024;
    /**
     * Pieces this large are queued as views of the caller's buffer, not copies, and copied only if not
     * encoded by the time {@link #send} returns (it usually writes them itself): one copy per byte
     * instead of two for bulk data. Smaller ones are copied at once.
     */
    static final int BORROW_AT = 4 * 1024;

    /** A thread is in the middle of a message on this half; others wait (messages are not interleaved). */
    private boolean sending;
    private boolean closedByUs;
    private ByteBuffer cancelledReason;

    WriteEnd(SessionCore core, Half half) {
        super(core, half);
    }

    void onCancelled(ByteBuffer reason) {
        cancelledReason = reason;
        signal();
    }

    /**
     * Sends one message, waiting for credit as needed. With {@code flush} false the message may stay
     * in the session's output until a later flush, send or receive (or until {@link #FLUSH_AT} bytes
     * of this half wait), so that many small messages leave in one write.
     */
    void send(ByteBuffer message, boolean flush) {
        core.lock.lock();
        boolean mine = false;
        boolean write = true;
        boolean borrowed = false;
        boolean detachLater = false;
        try {
            check(message.remaining());
            while (sending) {
                await();
                check(message.remaining());
            }
            sending = true;
            mine = true;
            core.engine.startMessage(half, message.remaining());
            while (message.hasRemaining()) {
                if (closedByUs) {
                    throw new BrokenException("another thread closed " + half + " while this message was being"
                            + " sent; the message was aborted (docs/protocol.md §9)");
                }
                long available = available();
                if (available <= 0) {
                    core.lock.unlock();
                    try {
                        core.kick();
                    } finally {
                        core.lock.lock();
                    }
                    checkMidMessage();
                    if (available() <= 0) {
                        await();
                        checkMidMessage();
                    }
                    continue;
                }
                int n = (int) Math.min(Math.min(available, message.remaining()), MAX_PIECE);
                ByteBuffer piece = message.slice(message.position(), n);
                message.position(message.position() + n);
                boolean queued;
                if (n >= BORROW_AT) {
                    borrowed = true;
                    queued = core.engine.appendBorrowed(half, piece);
                } else {
                    queued = core.engine.appendMessage(half, piece);
                }
                if (!queued) {
                    checkMidMessage();
                }
            }
            // without flush, small messages wait for more (a later send, flush or receive writes them)
            write = flush || core.engine.queuedBytes(half) >= Math.min(FLUSH_AT, core.config.chunkSize());
            detachLater = borrowed && write;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (mine && message.hasRemaining()) {
                broken = "a send on " + half + " was interrupted in the middle of a message; the half cannot be used";
            }
            throw new BrokenException("interrupted while waiting for credit on " + half, e);
        } finally {
            if (borrowed && !detachLater) {
                core.engine.detach(half); // nothing will write them before we return: copy now
            }
            if (mine) {
                sending = false;
                signal();
            }
            core.lock.unlock();
        }
        try {
            if (write) {
                core.kick();
            }
        } finally {
            if (detachLater) {
                core.lock.lock();
                try {
                    core.engine.detach(half); // what the kick did not encode (another thread writes) is copied
                } finally {
                    core.lock.unlock();
                }
            }
        }
    }

    /** Writes what the session has queued: the messages sent without flush (see {@link #send}). */
    void flush() {
        core.lock.lock();
        try {
            checkUsable();
        } finally {
            core.lock.unlock();
        }
        core.kick();
    }

    /** Sends the message only if credit for all of it is there now; never waits. */
    boolean trySend(ByteBuffer message) {
        core.lock.lock();
        try {
            check(message.remaining());
            if (sending || (message.hasRemaining() && available() < message.remaining())) {
                return false;
            }
            core.engine.send(half, message);
        } finally {
            core.lock.unlock();
        }
        core.kick();
        return true;
    }

    /** Closes the half after what is queued; a no-op if it has ended already. */
    void close(ByteBuffer reason) {
        core.lock.lock();
        try {
            core.checkOpen();
            if (closedByUs || cancelledReason != null || half.isEndedByUs()) {
                return;
            }
            // A send blocked for credit in another thread must not hold the close up: the engine drops
            // the part of its message not yet supplied, the end aborts it on the wire, and the sender
            // gets a BrokenException.
            closedByUs = true;
            core.engine.close(half, reason);
            signal();
        } finally {
            core.lock.unlock();
        }
        core.kick();
    }

    Optional<ByteBuffer> cancelledReason() {
        core.lock.lock();
        try {
            return Optional.ofNullable(cancelledReason).map(ByteBuffer::asReadOnlyBuffer);
        } finally {
            core.lock.unlock();
        }
    }

    /** Credit not yet spoken for by queued bytes (lock held). */
    private long available() {
        long credit = core.engine.credit(half);
        if (credit < 0) {
            credit = Long.MAX_VALUE; // unsigned above 2^63
        }
        return credit - core.engine.queuedBytes(half);
    }

    private void check(long total) {
        checkMidMessage();
        if (closedByUs) {
            throw new IllegalStateException(half + " was closed by us");
        }
        if (Long.compareUnsigned(total, core.engine.peerLimits().maxMessage()) > 0) {
            throw new MuxLimitException("a message of " + total + " bytes exceeds the peer's max_message "
                    + core.engine.peerLimits().maxMessage());
        }
    }

    private void checkMidMessage() {
        checkUsable();
        if (cancelledReason != null) {
            throw new EndedException("the peer cancelled " + half, cancelledReason.duplicate(), true);
        }
    }

    @Override
    void endAfterTimeout() {
        if (!closedByUs && !sending && !half.isEndedByUs()) {
            closedByUs = true;
            core.engine.close(half, ByteBuffer.allocate(0));
        }
    }
}
