package io.minbus.client.internal;

import io.minbus.client.Channel;
import io.minbus.client.IncomingConnection;
import io.minbus.mux.Duplex;
import io.minbus.protocol.Registration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/** An incoming connection awaiting our decision (docs/minbus.md §8.4, §8.5). */
final class PendingIncoming implements IncomingConnection {
    private static final int PENDING = 0;
    private static final int ACCEPTED = 1;
    private static final int DENIED = 2;

    private final ClientConnection bus;
    private final Duplex duplex;
    private final Registration initiator;
    private final AtomicInteger decision = new AtomicInteger(PENDING);

    private java.util.Optional<io.minbus.identity.Identity> initiatorKey = java.util.Optional.empty();

    /** With the initiator's proven key (docs/minbus.md §18.5), standard base64. */
    PendingIncoming(ClientConnection bus, Duplex duplex, Registration initiator, java.util.Optional<String> key) {
        this(bus, duplex, initiator);
        this.initiatorKey = key.flatMap(k -> {
            try {
                return java.util.Optional.of(io.minbus.identity.Identity.fromBase64(k));
            } catch (IllegalArgumentException e) {
                return java.util.Optional.empty(); // not a point on the curve: shown as no key
            }
        });
    }

    @Override
    public java.util.Optional<io.minbus.identity.Identity> initiatorKey() {
        return initiatorKey;
    }

    PendingIncoming(ClientConnection bus, Duplex duplex, Registration initiator) {
        this.bus = bus;
        this.duplex = duplex;
        this.initiator = initiator;
    }

    @Override
    public String name() {
        return initiator.name();
    }

    @Override
    public int version() {
        return initiator.version();
    }

    @Override
    public Channel accept() {
        if (!decision.compareAndSet(PENDING, ACCEPTED)) {
            throw new IllegalStateException("this connection from " + initiator + " was "
                    + (decision.get() == ACCEPTED ? "accepted" : "denied") + " already");
        }
        RelayedChannel channel = new RelayedChannel(bus, duplex, initiator.name(), OptionalInt.of(initiator.version()));
        channel.sendAcceptance("accepting the connection from " + channel.peer());
        return channel;
    }

    @Override
    public void deny() {
        if (decision.get() == ACCEPTED) {
            throw new IllegalStateException("this connection from " + initiator + " was accepted already;"
                    + " close the channel instead");
        }
        if (decision.compareAndSet(PENDING, DENIED)) {
            ClientConnection.endQuietly(duplex); // close and cancel with empty payloads
        }
    }

    @Override
    public String toString() {
        return "IncomingConnection[from " + initiator + "]";
    }
}
