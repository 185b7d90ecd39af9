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
