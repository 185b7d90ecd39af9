package io.minbus.client.internal;

import io.minbus.client.Channel;
import io.minbus.client.DirectUnavailableException;
import io.minbus.client.MinBusException;
import io.minbus.client.Route;
import io.minbus.mux.BrokenException;
import io.minbus.mux.EndedException;
import io.minbus.mux.IncomingRequest;
import io.minbus.mux.MuxException;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.DirectOffer;
import io.minbus.protocol.DirectQuestion;
import io.minbus.protocol.DirectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.Reason;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Direct connections of one bus connection (docs/minbus.md §19): as initiator, the introductions it
 * asks the bus for and the direct sessions it holds, one per target name, shared by every channel to
 * that target; as target, the {@link DirectTarget} of its registered plugin when it accepts direct
 * connections. Everything ends with the bus connection ({@link #close()}).
 */
public final class Direct {
    private final ClientConnection bus;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, DirectLink> links = new HashMap<>();
    private volatile DirectOptions options = DirectOptions.defaults();
    private DirectTarget target;
    private boolean closed;

    Direct(ClientConnection bus) {
        this.bus = bus;
    }

    /** Sets the options (from {@code MinBus.Builder}, right after connecting). */
    public void configure(DirectOptions value) {
        options = Objects.requireNonNull(value, "options");
    }

    // ------------------------------------------------------------------ initiator

    /** A channel to {@code request}'s target along {@code route}. */
    Channel connect(ConnectRequest request, Route route) {
        if (route == Route.RELAYED) {
            return bus.connectRelayed(request);
        }
        try {
            return direct(request, true);
        } catch (DirectUnavailableException e) {
            if (route == Route.DIRECT) {
                throw e;
            }
            ClientConnection.LOG.log(Level.DEBUG, () -> "no direct connection to \"" + request.name()
                    + "\", relayed instead: " + e.getMessage());
            return bus.connectRelayed(request);
        }
    }

    /** @param retry whether to introduce again once if the shared session turns out to have ended */
    private Channel direct(ConnectRequest request, boolean retry) {
        bus.ensureRegistered();
        int min = request.minVersion().orElse(0);
        DirectLink link;
        lock.lock();
        try {
            checkOpen();
            link = links.get(request.name());
            if (link == null || !link.isOpen() || !link.covers(min)) {
                link = introduce(request);
                DirectLink old = links.put(request.name(), link);
                if (old != null && !old.isOpen()) {
                    old.close();
                }
            }
        } finally {
            lock.unlock();
        }
        try {
            return link.openChannel();
        } catch (DirectLink.Stale e) {
            lock.lock();
            try {
                links.remove(request.name(), link);
            } finally {
                lock.unlock();
            }
            if (!retry) {
                throw new DirectUnavailableException(request.name(), Reason.NO_DIRECT, "the direct connection to \""
                        + request.name() + "\" ended as soon as it was made: " + e.getMessage());
            }
            return direct(request, false); // the target restarted or closed the session: introduce again
        }
    }

    /** Asks the bus for an introduction (§19.2) and connects to the offer (§19.5). */
    private DirectLink introduce(ConnectRequest request) {
        String quoted = "\"" + request.name() + "\"";
        ByteBuffer response;
        try {
            response = bus.session().request(DirectRequest.of(request).encode()).await();
        } catch (EndedException e) {
            ErrorPayload error = Failures.errorPayload(e.reason());
            throw switch (error.reason()) {
                case NO_DIRECT -> new DirectUnavailableException(request.name(), Reason.NO_DIRECT, quoted
                        + " offers no direct connection to us (it did not opt in with acceptDirect, or runs on"
                        + " another machine or as another user); connect relayed");
                case DIRECT_BUSY -> new DirectUnavailableException(request.name(), Reason.DIRECT_BUSY, quoted
                        + " has too many direct introductions pending; try again later, or connect relayed");
                case UNEXPECTED -> new DirectUnavailableException(request.name(), Reason.NO_DIRECT, "the bus at "
                        + bus.description() + " does not introduce direct connections (it is older than"
                        + " docs/minbus.md §19); connect relayed");
                default -> Failures.connectRefused(request, error, bus.description());
            };
        } catch (BrokenException e) {
            throw bus.failure(e, "asking for a direct connection to " + quoted);
        } catch (MuxException e) {
            throw bus.failure(e, "asking for a direct connection to " + quoted);
        }
        DirectOffer offer;
        try {
            offer = DirectOffer.decode(response);
        } catch (MalformedPayloadException e) {
            throw new MinBusException("the bus at " + bus.description() + " sent a malformed direct offer for "
                    + quoted + ": " + e.getMessage(), e);
        }
        return DirectLink.open(offer, request.name(), request.minVersion().orElse(0), options.session());
    }

    private void checkOpen() {
        if (closed) {
            throw bus.gone(new IllegalStateException("closed"), "connecting directly");
        }
    }

    /** Direct sessions this connection holds as initiator, open now. */
    int openLinks() {
        lock.lock();
        try {
            return (int) links.values().stream().filter(DirectLink::isOpen).count();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ target

    /** From the dispatcher: a direct question (§19.3), answered on a virtual thread of its own. */
    void question(IncomingRequest request, NamedPlugin plugin) {
        DirectQuestion question;
        try {
            question = DirectQuestion.decode(request.opening());
        } catch (MalformedPayloadException e) {
            request.close(ClientConnection.EMPTY.duplicate());
            return;
        }
        DirectTarget t = targetFor(plugin);
        if (t == null) {
            request.close(ClientConnection.EMPTY.duplicate()); // not opted in: declined (§19.3)
            return;
        }
        Thread.ofVirtual().name("minbus-direct-offer-" + plugin.name()).start(() -> t.answer(request, question));
    }

    private DirectTarget targetFor(NamedPlugin plugin) {
        if (plugin == null || !options.accept()) {
            return null;
        }
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            if (target == null) {
                target = new DirectTarget(bus, plugin, options);
            }
            return target;
        } finally {
            lock.unlock();
        }
    }

    /** The target side, once a direct question came. */
    Optional<DirectTarget> target() {
        lock.lock();
        try {
            return Optional.ofNullable(target);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ end

    /**
     * The bus connection closed or was lost: the listener and its socket file go, and every direct
     * session of this connection (as initiator or target) is closed (§19.7). Idempotent.
     */
    void close() {
        List<DirectLink> all;
        DirectTarget t;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(links.values());
            links.clear();
            t = target;
        } finally {
            lock.unlock();
        }
        all.forEach(DirectLink::close);
        if (t != null) {
            t.close();
        }
    }
}
