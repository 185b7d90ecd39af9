package io.minbus.mux;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A message being sent on a half: its announced total, the bytes supplied so far and not emitted
 * (copies), and how far emission has come. Emission turns it into one data chunk or a Partial chunk
 * and fragments (docs/protocol.md §9).
 */
final class OutMessage {
    final long total;
    long supplied;
    long emitted;
    /** Whether its first chunk went out (then, if not complete, the half is in partial mode). */
    boolean started;
    /** The oldest piece not completely emitted; most messages have just one. */
    private ByteBuffer head;
    /** The pieces after {@link #head}, created for the second piece only. */
    private ArrayDeque<ByteBuffer> more;
    /** Whether a piece may be a view of the sender's buffer, not a copy ({@link MuxEngine#appendBorrowed}). */
    private boolean borrowed;

    OutMessage(long total) {
        this.total = total;
    }

    /** Bytes supplied and not yet emitted. */
    long buffered() {
        return supplied - emitted;
    }

    boolean fullySupplied() {
        return supplied == total;
    }

    boolean complete() {
        return emitted == total;
    }

    /** Appends a piece: a copy, or with {@code borrowed} a view that {@link #detach} must copy before its owner reuses it. */
    void append(ByteBuffer copy, boolean borrowed) {
        this.borrowed |= borrowed;
        append(copy);
    }

    /** Replaces every piece not yet emitted by a copy of its bytes, if any piece was borrowed. */
    void detach() {
        if (!borrowed) {
            return;
        }
        borrowed = false;
        if (head != null) {
            head = copy(head);
        }
        if (more != null) {
            int n = more.size();
            for (int i = 0; i < n; i++) {
                more.add(copy(more.poll()));
            }
        }
    }

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip();
    }

    void append(ByteBuffer copy) {
        supplied += copy.remaining();
        if (head == null) {
            head = copy;
        } else {
            if (more == null) {
                more = new ArrayDeque<>(4);
            }
            more.add(copy);
        }
    }

    /** {@code n} more bytes were supplied and encoded at once, never buffered here. */
    void passed(int n) {
        supplied += n;
        emitted += n;
    }

    /** Copies the next {@code n} buffered bytes into {@code dst} and counts them as emitted. */
    void emitInto(ByteBuffer dst, int n) {
        int left = n;
        while (left > 0) {
            int take = Math.min(left, head.remaining());
            dst.put(dst.position(), head, head.position(), take);
            dst.position(dst.position() + take);
            head.position(head.position() + take);
            if (!head.hasRemaining()) {
                head = more == null ? null : more.poll();
            }
            left -= take;
        }
        emitted += n;
    }
}
