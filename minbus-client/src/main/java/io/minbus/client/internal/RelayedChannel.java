package io.minbus.client.internal;

import io.minbus.client.Channel;
import io.minbus.client.ChannelBrokenException;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.MinBusException;
import io.minbus.mux.BrokenException;
import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.MuxException;
import io.minbus.mux.MuxLimitException;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.Reason;
import io.minbus.protocol.RelayEnd;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * An established relay as seen from one side (docs/minbus.md §8.3, §9): a session duplex whose end
 * payloads are the other plugin's behind a {@code 00} byte, or the bus's own ({@code 01 ..}: broken).
 */
final class RelayedChannel implements Channel {
    private final ClientConnection bus;
    private final Duplex duplex;
    private final String peerName;
    private final OptionalInt peerVersion;
    private volatile String broken;
    private volatile boolean cancelledByUs;
    /** A ping went unanswered: the session ended both halves (and says "cancelled by us" from then on). */
    private volatile boolean pingTimedOut;

    RelayedChannel(ClientConnection bus, Duplex duplex, String peerName, OptionalInt peerVersion) {
        this.bus = bus;
        this.duplex = duplex;
        this.peerName = peerName;
        this.peerVersion = peerVersion;
    }

    @Override
    public String peerName() {
        return peerName;
    }

    @Override
    public OptionalInt peerVersion() {
        return peerVersion;
    }

    @Override
    public void send(ByteBuffer message) {
        sending(() -> {
            duplex.send(message);
            return null;
        });
    }

    @Override
    public void write(ByteBuffer message) {
        sending(() -> {
            duplex.write(message);
            return null;
        });
    }

    @Override
    public void flush() {
        try {
            duplex.flush();
        } catch (MuxException e) {
            throw translate(e, "sending to " + peer());
        }
    }

    @Override
    public boolean trySend(ByteBuffer message) {
        return sending(() -> duplex.trySend(message));
    }

    /** Runs a send on the duplex, with this channel's checks and its translation of the session's exceptions. */
    private <T> T sending(Supplier<T> send) {
        checkNotBrokenByBus();
        try {
            return send.get();
        } catch (MuxException e) {
            throw translate(e, "sending to " + peer());
        } catch (IllegalStateException e) {
            throw afterPingTimeout(e);
        }
    }

    @Override
    public ByteBuffer receive() {
        try {
            return duplex.receive();
        } catch (MuxException e) {
            throw translate(e, "receiving from " + peer());
        } catch (IllegalStateException e) {
            throw afterPingTimeout(e);
        }
    }

    @Override
    public Optional<ByteBuffer> receive(Duration timeout) {
        try {
            return duplex.receive(timeout);
        } catch (MuxException e) {
            throw translate(e, "receiving from " + peer());
        } catch (IllegalStateException e) {
            throw afterPingTimeout(e);
        }
    }

    @Override
    public InputStream inputStream() {
        return new ChannelStreams.Input(this);
    }

    @Override
    public OutputStream outputStream() {
        return new ChannelStreams.Output(this);
    }

    @Override
    public void close(ByteBuffer reason) {
        try {
            duplex.close(reason);
        } catch (BrokenException e) {
            // the channel or the connection is gone: nothing left to close
        } catch (MuxLimitException e) {
            throw translate(e, "closing the channel to " + peer());
        }
    }

    @Override
    public void cancel(ByteBuffer reason) {
        cancelledByUs = true;
        try {
            duplex.cancel(reason);
        } catch (BrokenException e) {
            // same
        } catch (MuxLimitException e) {
            throw translate(e, "cancelling the channel to " + peer());
        }
    }

    @Override
    public boolean ping(Duration timeout) {
        if (cancelledByUs || duplex.closeReason().isPresent()) {
            return false;
        }
        try {
            if (duplex.ping(timeout)) {
                return true;
            }
        } catch (MuxException e) {
            throw translate(e, "pinging " + peer());
        }
        if (!cancelledByUs && duplex.closeReason().isEmpty() && broken == null) {
            broken = "no answer from " + peer() + " to a ping within " + timeout.toMillis() + " ms";
            pingTimedOut = true;
        }
        return false;
    }

    /**
     * Sending into a channel the bus broke is pointless even while the bus's cancel of our half is
     * still on its way: the bus closed the half we read with its own reason (the other plugin went
     * away, shutdown).
     */
    private void checkNotBrokenByBus() {
        Optional<ByteBuffer> end = duplex.closeReason();
        if (end.isPresent() && relayed(end.get()).isEmpty()) {
            Reason reason = Failures.errorPayload(end.get()).reason();
            broken = Failures.broken(reason, peer());
            throw new ChannelBrokenException("the channel to " + peer() + " is broken: "
                    + Failures.broken(reason, peer()), reason, null);
        }
    }

    private RuntimeException afterPingTimeout(IllegalStateException e) {
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

    @Override
    public void close() {
        try {
            close(ClientConnection.EMPTY.duplicate());
        } catch (RuntimeException e) {
            // closing never fails
        }
        try {
            cancel(ClientConnection.EMPTY.duplicate());
        } catch (RuntimeException e) {
            // same
        }
    }

    /** "kv" or "a nameless client". */
    String peer() {
        return peerName.isEmpty() ? "a nameless client" : "\"" + peerName + "\"";
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
            return new MinBusException(doing + ": " + limit.getMessage() + "; send smaller messages or open fewer"
                    + " channels", limit);
        }
        return bus.failure(e, doing);
    }

    @Override
    public String toString() {
        return "Channel[" + peer() + " via " + bus.description() + "]";
    }
}
