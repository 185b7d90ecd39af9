package io.minbus.client.internal;

import io.minbus.client.Channel;
import io.minbus.client.IncomingConnection;
import io.minbus.identity.Identity;
import io.minbus.mux.Duplex;
import io.minbus.mux.Session;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel an initiator opened on a direct session, awaiting our decision (docs/minbus.md §19.6):
 * the same accept (a zero-length first message) and deny (close and cancel with empty payloads) as
 * for a relayed connection (§8.5), with the initiator the bus named when the ticket was issued.
 */
final class DirectIncoming implements IncomingConnection {
    private static final int PENDING = 0;
    private static final int ACCEPTED = 1;
    private static final int DENIED = 2;

    private final Session session;
    private final Duplex duplex;
    private final Tickets.Grant grant;
    private final AtomicInteger decision = new AtomicInteger(PENDING);

    DirectIncoming(Session session, Duplex duplex, Tickets.Grant grant) {
        this.session = session;
        this.duplex = duplex;
        this.grant = grant;
    }

    @Override
    public String name() {
        return grant.initiator().name();
    }

    @Override
    public int version() {
        return grant.initiator().version();
    }

    @Override
    public Optional<Identity> initiatorKey() {
        return grant.initiatorKey().flatMap(k -> {
            try {
                return Optional.of(Identity.fromBase64(k));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Channel accept() {
        if (!decision.compareAndSet(PENDING, ACCEPTED)) {
            throw new IllegalStateException("this direct connection from " + grant.initiator() + " was "
                    + (decision.get() == ACCEPTED ? "accepted" : "denied") + " already");
        }
        DirectChannel channel = new DirectChannel(session, duplex, name(), OptionalInt.of(version()));
        channel.sendAcceptance("accepting the direct connection from " + channel.peer());
        return channel;
    }

    @Override
    public void deny() {
        if (decision.get() == ACCEPTED) {
            throw new IllegalStateException("this direct connection from " + grant.initiator() + " was accepted"
                    + " already; close the channel instead");
        }
        if (decision.compareAndSet(PENDING, DENIED)) {
            ClientConnection.endQuietly(duplex);
        }
    }

    @Override
    public String toString() {
        return "IncomingConnection[direct from " + grant.initiator() + "]";
    }
}
