package io.minbus.client.internal;

import io.minbus.client.ChannelBrokenException;
import io.minbus.client.ChannelClosedException;
import io.minbus.mux.BrokenException;
import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.MuxException;
import io.minbus.mux.MuxLimitException;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.Reason;
import io.minbus.protocol.RelayEnd;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An established relay as seen from one side (docs/minbus.md §8.3, §9): a session duplex whose end
 * payloads are the other plugin's behind a {@code 00} byte, or the bus's own ({@code 01 ..}: broken).
 */
final class RelayedChannel extends DuplexChannel {
    private final ClientConnection bus;
    /** A ping went unanswered: the session ended both halves (and says "cancelled by us" from then on). */
    private volatile boolean pingTimedOut;

    RelayedChannel(ClientConnection bus, Duplex duplex, String peerName, OptionalInt peerVersion) {
        super(duplex, peerName, peerVersion);
        this.bus = bus;
    }

    /**
     * Unlike {@link #send}, {@link #write} and {@link #trySend}: no check that the bus broke the
     * channel, and the duplex's IllegalStateException passes as it is.
     */
    @Override
    public void flush() {
        try {
            duplex.flush();
        } catch (MuxException e) {
            throw translate(e, "sending to " + peer());
        }
    }

    /** Closing or cancelling a half that ended already throws the duplex's IllegalStateException. */
    @Override
    boolean ignoresEndedHalf() {
        return false;
    }

    /** Closing never fails. */
    @Override
    boolean closeNeverFails() {
        return true;
    }

    @Override
    void pingUnanswered(String noAnswer) {
        if (!cancelledByUs && duplex.closeReason().isEmpty() && broken == null) {
            broken = noAnswer;
            pingTimedOut = true;
        }
    }

    /**
     * Sending into a channel the bus broke is pointless even while the bus's cancel of our half is
     * still on its way: the bus closed the half we read with its own reason (the other plugin went
     * away, shutdown).
     */
    @Override
    void checkSending() {
        Optional<ByteBuffer> end = duplex.closeReason();
        if (end.isPresent() && relayed(end.get()).isEmpty()) {
            Reason reason = Failures.errorPayload(end.get()).reason();
            broken = Failures.broken(reason, peer());
            throw new ChannelBrokenException("the channel to " + peer() + " is broken: "
                    + Failures.broken(reason, peer()), reason, null);
        }
    }

    /** After a ping went unanswered the session ended both halves: the channel is broken. */
    @Override
    RuntimeException afterIllegalState(IllegalStateException e) {
        if (pingTimedOut) {
            return new ChannelBrokenException("the channel to " + peer() + " is broken: " + broken, null, e);
        }
        return e;
    }

    @Override
    public Optional<ByteBuffer> closeReason() {
        return duplex.closeReason().flatMap(payload -> relayed(payload));
    }

    @Override
    public boolean isBroken() {
        return broken != null || !bus.sessionOpen() || fromBus(duplex.closeReason()) || fromBus(duplex.cancelReason());
    }

    private static Optional<ByteBuffer> relayed(ByteBuffer payload) {
        try {
            return RelayEnd.decode(payload) instanceof RelayEnd.Relayed r ? Optional.of(r.payload()) : Optional.empty();
        } catch (MalformedPayloadException e) {
            return Optional.empty();
        }
    }

    private static boolean fromBus(Optional<ByteBuffer> end) {
        return end.isPresent() && relayed(end.get()).isEmpty();
    }

    /** The API exception for a session exception. */
    @Override
    RuntimeException translate(MuxException e, String doing) {
        if (e instanceof EndedException ended) {
            RelayEnd end;
            try {
                end = RelayEnd.decode(ended.reason());
            } catch (MalformedPayloadException m) {
                broken = "the bus ended the channel with a payload this client does not understand";
                return new ChannelBrokenException("the channel to " + peer() + " is broken: " + broken + " ("
                        + m.getMessage() + ")", null, m);
            }
            if (end instanceof RelayEnd.Relayed r) {
                String what = ended.cancelled()
                        ? peer() + " cancelled the channel: it wants no more messages from us"
                        : peer() + " closed the channel: no more messages will come";
                return new ChannelClosedException(what + " (reason: " + r.payload().remaining() + " bytes)",
                        r.payload(), ended.cancelled());
            }
            Reason reason = ((RelayEnd.FromServer) end).error().reason();
            broken = Failures.broken(reason, peer());
            return new ChannelBrokenException("the channel to " + peer() + " is broken: " + broken, reason, e);
        }
        if (e instanceof BrokenException b && bus.sessionOpen() && !Thread.currentThread().isInterrupted()) {
            broken = b.getMessage();
            return new ChannelBrokenException("the channel to " + peer() + " is broken: " + b.getMessage(), null, b);
        }
        if (e instanceof MuxLimitException limit) {
            return overLimit(limit, doing);
        }
        return bus.failure(e, doing);
    }

    @Override
    public String toString() {
        return "Channel[" + peer() + " via " + bus.description() + "]";
    }
}
