package io.minbus.client.internal;

import io.minbus.client.Channel;
import io.minbus.client.MinBusException;
import io.minbus.mux.BrokenException;
import io.minbus.mux.Duplex;
import io.minbus.mux.MuxException;
import io.minbus.mux.MuxLimitException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A channel that is one session duplex, relayed ({@link RelayedChannel}) or direct ({@link
 * DirectChannel}): the sends, receives, ends and pings they share. What differs is in the hooks:
 * what a session exception means ({@link #translate}), a check before each send, what a use of an
 * ended half becomes, which failures closing swallows, and what an unanswered ping leaves behind.
 */
abstract class DuplexChannel implements Channel {
    final Duplex duplex;
    private final String peerName;
    private final OptionalInt peerVersion;
    /** Why the channel is broken, once it is. */
    volatile String broken;
    volatile boolean cancelledByUs;

    DuplexChannel(Duplex duplex, String peerName, OptionalInt peerVersion) {
        this.duplex = duplex;
        this.peerName = peerName;
        this.peerVersion = peerVersion;
    }

    /** The API exception for a session exception; it may mark the channel broken. */
    abstract RuntimeException translate(MuxException e, String doing);

    /** Runs before each send, write, flush and trySend here: throws if sending is pointless. */
    abstract void checkSending();

    /** What the duplex's IllegalStateException (a half we ended, or the session ended after a ping) becomes. */
    abstract RuntimeException afterIllegalState(IllegalStateException e);

    /** True if {@link #close(ByteBuffer)} and {@link #cancel(ByteBuffer)} ignore a half that ended already. */
    abstract boolean ignoresEndedHalf();

    /** True if {@link #close()} swallows every failure of its close and cancel. */
    abstract boolean closeNeverFails();

    /** A ping went unanswered: {@code noAnswer} says so, to keep as {@link #broken} if this channel does. */
    abstract void pingUnanswered(String noAnswer);

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
        sending(() -> {
            duplex.flush();
            return null;
        });
    }

    @Override
    public boolean trySend(ByteBuffer message) {
        return sending(() -> duplex.trySend(message));
    }

    /** Runs a send on the duplex, with this channel's checks and its translation of the session's exceptions. */
    private <T> T sending(Supplier<T> send) {
        checkSending();
        return onDuplex(send, "sending to ");
    }

    @Override
    public ByteBuffer receive() {
        return onDuplex(duplex::receive, "receiving from ");
    }

    @Override
    public Optional<ByteBuffer> receive(Duration timeout) {
        return onDuplex(() -> duplex.receive(timeout), "receiving from ");
    }

    @Override
    public boolean deliverTo(Predicate<ByteBuffer> receiver) {
        return duplex.deliverTo(receiver);
    }

    private <T> T onDuplex(Supplier<T> operation, String doingTo) {
        try {
            return operation.get();
        } catch (MuxException e) {
            throw translate(e, doingTo + peer());
        } catch (IllegalStateException e) {
            throw afterIllegalState(e);
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
        endHalf(() -> duplex.close(reason), "closing the channel to ");
    }

    @Override
    public void cancel(ByteBuffer reason) {
        cancelledByUs = true;
        endHalf(() -> duplex.cancel(reason), "cancelling the channel to ");
    }

    private void endHalf(Runnable end, String doingTo) {
        try {
            end.run();
        } catch (BrokenException e) {
            // the channel or the session is gone: nothing left to end
        } catch (IllegalStateException e) {
            if (!ignoresEndedHalf()) {
                throw e;
            }
            // the half ended: nothing left to end
        } catch (MuxLimitException e) {
            throw translate(e, doingTo + peer());
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
        pingUnanswered("no answer from " + peer() + " to a ping within " + timeout.toMillis() + " ms");
        return false;
    }

    @Override
    public void close() {
        closing(() -> close(ClientConnection.EMPTY.duplicate()));
        closing(() -> cancel(ClientConnection.EMPTY.duplicate()));
    }

    private void closing(Runnable end) {
        try {
            end.run();
        } catch (RuntimeException e) {
            if (!closeNeverFails()) {
                throw e;
            }
        }
    }

    /**
     * Sends the acceptance of an incoming connection, a zero-length first message (docs/minbus.md
     * §8.5, §19.6); if that fails, ends the duplex and throws what the failure means.
     */
    void sendAcceptance(String doing) {
        try {
            duplex.send(ClientConnection.EMPTY.duplicate());
        } catch (MuxException e) {
            RuntimeException failure = translate(e, doing);
            ClientConnection.endQuietly(duplex);
            throw failure;
        }
    }

    /** "kv" or "a nameless client". */
    String peer() {
        return peerName.isEmpty() ? "a nameless client" : "\"" + peerName + "\"";
    }

    /** The API exception for a message or a channel count over the peer's limit. */
    static MinBusException overLimit(MuxLimitException limit, String doing) {
        return new MinBusException(doing + ": " + limit.getMessage() + "; send smaller messages or open fewer"
                + " channels", limit);
    }
}
