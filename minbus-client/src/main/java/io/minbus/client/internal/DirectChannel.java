package io.minbus.client.internal;

import io.minbus.client.ChannelBrokenException;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.MinBusException;
import io.minbus.mux.BrokenException;
import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.MuxException;
import io.minbus.mux.MuxLimitException;
import io.minbus.mux.Session;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A channel on a direct session (docs/minbus.md §19.6): a duplex between the two plugins with no
 * bus in between, so end payloads are the other plugin's own bytes (no {@code 00} prefix), and the
 * channel breaks only when the direct session does.
 */
final class DirectChannel extends DuplexChannel {
    private final Session session;

    DirectChannel(Session session, Duplex duplex, String peerName, OptionalInt peerVersion) {
        super(duplex, peerName, peerVersion);
        this.session = session;
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    /** Nothing to check: only the direct session can end the channel, and the duplex says so. */
    @Override
    void checkSending() {
    }

    /** A half we ended, used again: the caller's mistake, shown as it is. */
    @Override
    RuntimeException afterIllegalState(IllegalStateException e) {
        return e;
    }

    /** Closing or cancelling a half that ended already is a no-op. */
    @Override
    boolean ignoresEndedHalf() {
        return true;
    }

    /** {@link #close()} may fail: only a message or channel limit can make it. */
    @Override
    boolean closeNeverFails() {
        return false;
    }

    @Override
    void pingUnanswered(String noAnswer) {
        if (broken == null) {
            broken = noAnswer;
        }
    }

    @Override
    public Optional<ByteBuffer> closeReason() {
        return duplex.closeReason();
    }

    @Override
    public boolean isBroken() {
        return broken != null || !session.isOpen();
    }

    /** The API exception for a session exception: the other plugin's end, or the direct session lost. */
    @Override
    RuntimeException translate(MuxException e, String doing) {
        if (e instanceof EndedException ended) {
            String what = ended.cancelled()
                    ? peer() + " cancelled the direct channel: it wants no more messages from us"
                    : peer() + " closed the direct channel: no more messages will come";
            return new ChannelClosedException(what + " (reason: " + ended.reason().remaining() + " bytes)",
                    ended.reason(), ended.cancelled());
        }
        if (e instanceof BrokenException b) {
            if (Thread.currentThread().isInterrupted()) {
                return new MinBusException("interrupted while " + doing, e);
            }
            broken = b.getMessage();
            return new ChannelBrokenException("the direct channel to " + peer() + " is broken: the direct"
                    + " connection ended (" + b.getMessage() + "); " + peer() + " closed it or went away, or this"
                    + " plugin's bus connection ended. Connect again", null, b);
        }
        if (e instanceof MuxLimitException limit) {
            return overLimit(limit, doing);
        }
        return new MinBusException(doing + " failed: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "Channel[" + peer() + " direct]";
    }
}
