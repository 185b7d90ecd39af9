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
import io.minbus.mux.Session;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * A channel on a direct session (docs/minbus.md §19.6): a duplex between the two plugins with no
 * bus in between, so end payloads are the other plugin's own bytes (no {@code 00} prefix), and the
 * channel breaks only when the direct session does.
 */
final class DirectChannel implements Channel {
    private final Session session;
    private final Duplex duplex;
    private final String peerName;
    private final OptionalInt peerVersion;
    private volatile String broken;
    private volatile boolean cancelledByUs;

    DirectChannel(Session session, Duplex duplex, String peerName, OptionalInt peerVersion) {
        this.session = session;
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
    public boolean isDirect() {
        return true;
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

    private <T> T sending(Supplier<T> send) {
        try {
            return send.get();
        } catch (MuxException e) {
            throw translate(e, "sending to " + peer());
        }
    }

    @Override
    public ByteBuffer receive() {
        try {
            return duplex.receive();
        } catch (MuxException e) {
            throw translate(e, "receiving from " + peer());
        }
    }

    @Override
    public Optional<ByteBuffer> receive(Duration timeout) {
        try {
            return duplex.receive(timeout);
        } catch (MuxException e) {
            throw translate(e, "receiving from " + peer());
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
        } catch (BrokenException | IllegalStateException e) {
            // the channel or the session is gone, or the half ended: nothing left to close
        } catch (MuxLimitException e) {
            throw translate(e, "closing the channel to " + peer());
        }
    }

    @Override
    public void cancel(ByteBuffer reason) {
        cancelledByUs = true;
        try {
            duplex.cancel(reason);
        } catch (BrokenException | IllegalStateException e) {
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
        if (broken == null) {
            broken = "no answer from " + peer() + " to a ping within " + timeout.toMillis() + " ms";
        }
        return false;
    }

    @Override
    public Optional<ByteBuffer> closeReason() {
        return duplex.closeReason();
    }

    @Override
    public boolean isBroken() {
        return broken != null || !session.isOpen();
    }

    @Override
    public void close() {
        close(ClientConnection.EMPTY.duplicate());
        cancel(ClientConnection.EMPTY.duplicate());
    }

    String peer() {
        return peerName.isEmpty() ? "a nameless client" : "\"" + peerName + "\"";
    }

    /** The API exception for a session exception: the other plugin's end, or the direct session lost. */
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
            return new MinBusException(doing + ": " + limit.getMessage() + "; send smaller messages or open fewer"
                    + " channels", limit);
        }
        return new MinBusException(doing + " failed: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "Channel[" + peer() + " direct]";
    }
}
