package io.minbus.client.internal;

import io.minbus.mux.Duplex;
import io.minbus.mux.Incoming;
import io.minbus.mux.IncomingRequest;
import io.minbus.mux.MuxException;
import io.minbus.mux.Session;
import io.minbus.mux.Sink;
import io.minbus.mux.Stream;
import io.minbus.protocol.IncomingConnection;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.VisibilityQuestion;
import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * Takes everything the bus opens on a connection, on a virtual thread of its own, until the
 * session ends: incoming connections (docs/minbus.md §8.4) go to the registered plugin; anything
 * else is ended as §12 says (a plugin treats what it does not understand like the bus does).
 */
final class Dispatcher implements Runnable {
    private final ClientConnection bus;
    private final Session session;
    /** The registered plugin, or null (nameless, or not registered yet). */
    private final Supplier<NamedPlugin> plugin;

    Dispatcher(ClientConnection bus, Session session, Supplier<NamedPlugin> plugin) {
        this.bus = bus;
        this.session = session;
        this.plugin = plugin;
    }

    @Override
    public void run() {
        try {
            while (true) {
                Incoming in = session.accept();
                // instanceof, not a pattern switch: the first pattern switch of a JVM spins a class
                // with the class-file API, 5-15 ms of a plugin's start (docs/benchmarks.md)
                if (in instanceof Duplex d) {
                    incoming(d);
                } else if (in instanceof IncomingRequest r) {
                    question(r);
                } else if (in instanceof Stream s) {
                    s.cancel(ClientConnection.EMPTY.duplicate());
                } else if (in instanceof Sink s) {
                    s.close(ClientConnection.EMPTY.duplicate());
                } else {
                    throw new IllegalStateException("unknown kind of incoming entity " + in);
                }
            }
        } catch (MuxException e) {
            lost(e);
        } catch (RuntimeException e) {
            ClientConnection.LOG.log(Level.ERROR, "minbus client: the dispatcher of " + bus.description() + " failed", e);
            session.close();
            lost(e);
        }
    }

    private void lost(Throwable why) {
        bus.direct().close(); // §19.7: direct sessions end with the bus connection
        NamedPlugin p = plugin.get();
        if (p != null) {
            p.connectionLost(why);
        }
    }

    /**
     * A visibility question (docs/minbus.md §18.7) is answered by the plugin's policy on a virtual
     * thread of its own, so that a slow policy never holds up the connection; any other request is
     * unexpected and refused (§12).
     */
    private void question(IncomingRequest request) {
        if (io.minbus.protocol.DirectQuestion.isDirectQuestion(request.opening())) {
            bus.direct().question(request, plugin.get()); // §19.3
            return;
        }
        VisibilityQuestion question;
        try {
            question = VisibilityQuestion.decode(request.opening());
        } catch (MalformedPayloadException e) {
            request.close(ClientConnection.EMPTY.duplicate());
            return;
        }
        NamedPlugin p = plugin.get();
        if (p == null) {
            request.close(ClientConnection.EMPTY.duplicate());
            return;
        }
        Thread.ofVirtual().name("minbus-visibility-" + p.name()).start(() -> p.answer(question, request));
    }

    private void incoming(Duplex duplex) {
        IncomingConnection in;
        try {
            in = IncomingConnection.decode(duplex.opening());
        } catch (MalformedPayloadException e) {
            ClientConnection.LOG.log(Level.WARNING, "minbus client: the bus at " + bus.description() + " opened a"
                    + " duplex this client does not understand; ended it (" + e.getMessage() + ")");
            ClientConnection.endQuietly(duplex);
            return;
        }
        NamedPlugin p = plugin.get();
        if (p == null) {
            ClientConnection.LOG.log(Level.WARNING, "minbus client: the bus at " + bus.description() + " sent an"
                    + " incoming connection from " + in.initiator() + " to a nameless client; denied it");
            ClientConnection.endQuietly(duplex);
            return;
        }
        p.offer(new PendingIncoming(bus, duplex, in.initiator(), in.initiatorKey()));
    }
}
