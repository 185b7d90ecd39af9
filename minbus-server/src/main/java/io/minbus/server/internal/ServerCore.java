package io.minbus.server.internal;

import io.minbus.identity.Keys;
import io.minbus.server.ServerLimits;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The running machinery behind {@code MinBusServer}: the {@link Bus}, the selector {@link Loop}s and
 * the {@link Acceptor}s. Listening sockets are spread over the loops; every accepted or in-process
 * connection goes to the next loop, round-robin.
 */
public final class ServerCore {
    private final Bus bus;
    private final Loop[] loops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicLong memoryIds = new AtomicLong();
    private final List<SecureAcceptor> secureAcceptors = new CopyOnWriteArrayList<>();

    public ServerCore(ServerLimits limits, int loopCount, Function<Bus.ConnectionFacts, OptionalLong> resolver) {
        this.bus = new Bus(limits, resolver);
        this.loops = new Loop[loopCount];
        try {
            for (int i = 0; i < loopCount; i++) {
                loops[i] = new Loop(i, bus);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector: " + e.getMessage(), e);
        }
    }

    public Bus bus() {
        return bus;
    }

    /** Starts the loops and accepts on {@code listeners}. */
    public void start(String name, List<TransportListener> listeners) {
        for (Loop loop : loops) {
            loop.start(name);
        }
        for (int i = 0; i < listeners.size(); i++) {
            TransportListener l = listeners.get(i);
            new Acceptor(l.channel(), l.address().toString(), loops, nextLoop, bus).register(loops[i % loops.length]);
        }
    }

    /** Sets who connections are (§18); before {@link #start}. */
    public void identity(IdentityPolicy policy) {
        bus.identity = policy;
    }

    /**
     * Accepts on {@code ~shs} listeners (after {@link #start}): the secret handshake with {@code keys},
     * then the connection goes to a loop through pipes ({@link SecureAcceptor}).
     *
     * @param announced the addresses as announced (with their {@code ~shs} key), one per listener
     */
    public void startSecure(String name, List<TransportListener> listeners, List<BusAddress> announced, Keys keys) {
        for (int i = 0; i < listeners.size(); i++) {
            SecureAcceptor a = new SecureAcceptor(listeners.get(i), announced.get(i), keys, loops, nextLoop, bus);
            secureAcceptors.add(a);
            a.start(name);
        }
    }

    /** A new in-process connection: the server's end goes to a loop; the plugin's end is returned. */
    public Transport connectInMemory() {
        String description = "memory:" + memoryIds.incrementAndGet();
        try {
            Pipe toServer = Pipe.open();
            Pipe toPlugin = Pipe.open();
            PipeTransport plugin = new PipeTransport(toPlugin.source(), toServer.sink(), description);
            if (bus.shuttingDown || !Conn.admitOne(bus)) {
                bus.counters.connectionRefused();
                Bus.LOG.log(Level.INFO, "refused in-process connection {0}: max_connections reached or shutting down",
                        description);
                toServer.source().close();
                toPlugin.sink().close();
                return plugin;
            }
            Io io = new Io.PipeIo(toServer.source(), toPlugin.sink(), description);
            Conn.start(loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)], io);
            return plugin;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the pipes of an in-process connection: " + e.getMessage(), e);
        }
    }

    /** Cleans up every connection with SHUTDOWN, flushes briefly, closes them and stops the loops. */
    public void shutdown(long timeoutMillis) {
        bus.shuttingDown = true;
        for (Loop loop : loops) {
            loop.shutdown();
        }
        try {
            awaitLoops(timeoutMillis);
        } finally {
            secureAcceptors.forEach(SecureAcceptor::close);
        }
    }

    private void awaitLoops(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Loop loop : loops) {
            try {
                loop.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
