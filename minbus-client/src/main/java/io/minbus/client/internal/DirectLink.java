package io.minbus.client.internal;

import io.minbus.client.Channel;
import io.minbus.client.ConnectionRefusedException;
import io.minbus.client.DirectUnavailableException;
import io.minbus.client.MinBusException;
import io.minbus.mux.BrokenException;
import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import io.minbus.mux.Incoming;
import io.minbus.mux.IncomingRequest;
import io.minbus.mux.MuxException;
import io.minbus.mux.Session;
import io.minbus.mux.SessionConfig;
import io.minbus.mux.Sink;
import io.minbus.mux.Stream;
import io.minbus.protocol.DirectOffer;
import io.minbus.protocol.DirectPreamble;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.Reason;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.Transports;
import io.minbus.wire.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The initiator's direct session to one target (docs/minbus.md §19.5, §19.6): connects to the
 * offered socket, presents the ticket, waits for the target's answer byte, then runs a session on
 * which each channel is a duplex opened with the payload {@code 00}. Shared by every channel from
 * this bus connection to that target.
 */
final class DirectLink {
    /** The opening payload of a channel on a direct session. */
    static final int CHANNEL = 0x00;

    /** The direct session ended under an existing link: the caller introduces again. */
    static final class Stale extends RuntimeException {
        Stale(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private final Session session;
    private final String target;
    /** The minimum version the bus checked when introducing us; a higher one needs a new introduction. */
    private final int checkedMin;

    private DirectLink(Session session, String target, int checkedMin) {
        this.session = session;
        this.target = target;
        this.checkedMin = checkedMin;
    }

    static boolean isChannel(ByteBuffer opening) {
        return opening.remaining() == 1 && opening.get(opening.position()) == CHANNEL;
    }

    /**
     * Connects to the offer.
     *
     * @throws DirectUnavailableException if the socket cannot be reached or the target refuses the ticket
     */
    static DirectLink open(DirectOffer offer, String target, int checkedMin, SessionConfig config) {
        String quoted = "\"" + target + "\"";
        Path path = Path.of(offer.path());
        if (!path.isAbsolute()) {
            throw new DirectUnavailableException(target, Reason.NO_DIRECT, quoted + " offered a direct socket at a"
                    + " relative path (" + offer.path() + "); it does not follow docs/minbus.md §19.3");
        }
        Transport t;
        try {
            t = Transports.connect(new BusAddress.Unix(path));
        } catch (TransportException e) {
            throw new DirectUnavailableException(target, Reason.NO_DIRECT, "cannot reach the direct socket of "
                    + quoted + " at " + path + ": " + e.getMessage());
        }
        CountDownLatch answered = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> { // a target that never answers the preamble
            try {
                if (!answered.await(config.preambleTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    t.close();
                }
            } catch (InterruptedException e) {
                t.close();
            }
        });
        DirectPreamble.Answer answer;
        try {
            t.write(new DirectPreamble(offer.ticket()).encode());
            ByteBuffer one = ByteBuffer.allocate(1);
            if (t.read(one) < 0) {
                throw new TransportException("the target closed the direct connection without an answer");
            }
            answer = DirectPreamble.Answer.decode(one.flip());
        } catch (TransportException | MalformedPayloadException e) {
            t.close();
            throw new DirectUnavailableException(target, Reason.NO_DIRECT, "the direct socket of " + quoted
                    + " did not take our ticket: " + e.getMessage());
        } finally {
            answered.countDown();
        }
        if (answer != DirectPreamble.Answer.ACCEPTED) {
            t.close();
            throw new DirectUnavailableException(target, answer == DirectPreamble.Answer.BUSY
                    ? Reason.DIRECT_BUSY : Reason.NO_DIRECT, quoted + (answer == DirectPreamble.Answer.BUSY
                    ? " has as many direct connections as it takes; try again later"
                    : " refused our direct ticket (unknown, used or expired)"));
        }
        Session session;
        try {
            session = Session.start(t, config.toBuilder().name("minbus-direct-to-" + target).build());
        } catch (BrokenException | ProtocolViolationException e) {
            throw new DirectUnavailableException(target, Reason.NO_DIRECT, "the direct session with " + quoted
                    + " did not start: " + e.getMessage());
        }
        DirectLink link = new DirectLink(session, target, checkedMin);
        Thread.ofVirtual().name("minbus-direct-to-" + target).start(link::refuseWhatTheTargetOpens);
        return link;
    }

    /** The target opens nothing on a direct session (§19.6); whatever it does is ended as unexpected. */
    private void refuseWhatTheTargetOpens() {
        try {
            while (true) {
                Incoming in = session.accept();
                switch (in) {
                    case Duplex d -> ClientConnection.endQuietly(d);
                    case IncomingRequest r -> r.close(ClientConnection.EMPTY.duplicate());
                    case Stream s -> s.cancel(ClientConnection.EMPTY.duplicate());
                    case Sink s -> s.close(ClientConnection.EMPTY.duplicate());
                }
            }
        } catch (MuxException | IllegalStateException e) {
            // the session ended
        }
    }

    boolean isOpen() {
        return session.isOpen();
    }

    /** True if the bus's check at the introduction covers a request for at least {@code minVersion}. */
    boolean covers(int minVersion) {
        return minVersion <= checkedMin;
    }

    /**
     * Opens one channel and waits until the target accepts it.
     *
     * @throws Stale if the session has ended
     * @throws ConnectionRefusedException if the target denied the channel
     */
    Channel openChannel() {
        String quoted = "\"" + target + "\"";
        Duplex duplex;
        ByteBuffer first;
        try {
            duplex = session.openDuplex(ByteBuffer.wrap(new byte[] {CHANNEL}));
        } catch (BrokenException e) {
            throw new Stale(e);
        } catch (MuxException e) {
            throw new MinBusException("opening a direct channel to " + quoted + " failed: " + e.getMessage()
                    + "; close some channels", e);
        }
        try {
            first = duplex.receive();
        } catch (EndedException e) {
            ClientConnection.endQuietly(duplex);
            throw new ConnectionRefusedException(target, Reason.REFUSED, quoted + " denied the direct connection");
        } catch (BrokenException e) {
            throw new Stale(e);
        }
        if (first.hasRemaining()) {
            ClientConnection.endQuietly(duplex);
            throw new MinBusException(quoted + " accepted a direct channel with a non-empty message; it does not"
                    + " follow docs/minbus.md §19.6");
        }
        return new DirectChannel(session, duplex, target, OptionalInt.empty());
    }

    void close() {
        session.close();
    }
}
