package io.minbus.server.internal;

import io.minbus.identity.Handshake;
import io.minbus.identity.HandshakeException;
import io.minbus.identity.Keys;
import io.minbus.identity.NetworkKey;
import io.minbus.identity.SecureTransport;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.TransportListener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts on a {@code net:HOST:PORT~shs:KEY} or {@code unix:/PATH~shs:KEY} listener (docs/minbus.md
 * §18.2, §18.3): a platform thread
 * accepts (blocking); each connection gets a platform thread that runs the server side of the secret
 * handshake and then pumps box-stream plaintext into a pair of NIO pipes that a selector {@link Loop}
 * serves like an in-process connection ({@link Io.PipeIo}), and a second platform thread that pumps
 * the loop's output back into the box-stream. Cost: two platform threads (about 2 x 1 MiB of
 * reserved stack, far less committed) and two extra copies per byte for each secured connection; the
 * selector loops stay unaware of encryption. A place of {@code max_connections} is taken before the
 * handshake, so stalled handshakes are bounded too (and end after the registration timeout).
 */
public final class SecureAcceptor {
    private static final int BUFFER = 64 * 1024;

    private final TransportListener listener;
    private final BusAddress address;
    private final Keys keys;
    private final Loop[] loops;
    private final AtomicInteger next;
    private final Bus bus;
    private final Duration handshakeTimeout;
    /** Open connections: while handshaking no latch; once secured, a latch opened when the output pump ends. */
    private final ConcurrentHashMap<Transport, CountDownLatch> live = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param address the address as announced, with its {@code ~shs} key
     * @param next    shared by all acceptors of a server, for the round-robin
     */
    public SecureAcceptor(TransportListener listener, BusAddress address, Keys keys, Loop[] loops, AtomicInteger next,
            Bus bus) {
        this.listener = listener;
        this.address = address;
        this.keys = keys;
        this.loops = loops;
        this.next = next;
        this.bus = bus;
        this.handshakeTimeout = bus.limits.registrationTimeout();
    }

    /** Starts accepting on a thread of its own. */
    public void start(String name) {
        Thread.ofPlatform().name(name + "-shs-accept").daemon(true).start(this::acceptAll);
    }

    private void acceptAll() {
        while (!closed) {
            Transport accepted;
            try {
                accepted = listener.accept();
            } catch (TransportException | IllegalStateException e) {
                if (closed || !listener.channel().isOpen()) {
                    return;
                }
                Bus.LOG.log(Level.WARNING, "accepting on {0} failed: {1}", address, e.getMessage());
                continue;
            }
            if (bus.shuttingDown || closed || !Conn.admitOne(bus)) {
                bus.counters.connectionRefused();
                Bus.LOG.log(Level.INFO, "refused a connection on {0}: {1}", address, bus.shuttingDown || closed
                        ? "the server is shutting down"
                        : "max_connections (" + bus.limits.maxConnections() + ") reached");
                accepted.close();
                continue;
            }
            live.put(accepted, new CountDownLatch(0));
            Thread.ofPlatform().name("minbus-shs-in " + accepted.description()).daemon(true)
                    .start(() -> serve(accepted));
        }
    }

    private void serve(Transport plain) {
        SecureTransport secure;
        try {
            secure = SecureTransport.wrap(plain, Handshake.server(plain, NetworkKey.MINBUS, keys, handshakeTimeout,
                    client -> !bus.shuttingDown && !closed));
        } catch (HandshakeException e) {
            Conn.released(bus);
            bus.counters.connectionRefused();
            live.remove(plain);
            plain.close();
            Bus.LOG.log(Level.INFO, "{0}", e.getMessage());
            return;
        }
        Pipe toServer;
        Pipe toPlugin;
        Io io;
        try {
            toServer = Pipe.open();
            toPlugin = Pipe.open();
            io = new Io.PipeIo(toServer.source(), toPlugin.sink(), secure.description(), Optional.of(secure.peer()));
        } catch (IOException e) {
            Conn.released(bus);
            live.remove(plain);
            secure.close();
            Bus.LOG.log(Level.WARNING, "cannot create the pipes of {0}: {1}", secure.description(), e.getMessage());
            return;
        }
        CountDownLatch outDone = new CountDownLatch(1);
        live.remove(plain);
        live.put(secure, outDone);
        if (closed) {
            secure.close();
        }
        AtomicInteger pumps = new AtomicInteger(2);
        Runnable done = () -> {
            if (pumps.decrementAndGet() == 0) {
                secure.close();
                live.remove(secure);
            }
        };
        Conn.start(loops[Math.floorMod(next.getAndIncrement(), loops.length)], io);
        Thread.ofPlatform().name("minbus-shs-out " + secure.description()).daemon(true)
                .start(() -> {
                    try {
                        pumpOut(toPlugin.source(), secure, done);
                    } finally {
                        outDone.countDown();
                    }
                });
        pumpIn(secure, toServer.sink(), done);
    }

    /** Box-stream plaintext into the loop's input pipe; its end (or failure) becomes the loop's end of stream. */
    private static void pumpIn(SecureTransport secure, Pipe.SinkChannel sink, Runnable done) {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        try {
            while (true) {
                buf.clear();
                int n = secure.read(buf);
                if (n < 0) {
                    break;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    sink.write(buf);
                }
            }
        } catch (TransportException | IOException e) {
            Bus.LOG.log(Level.DEBUG, "{0}: input ended: {1}", secure.description(), e.getMessage());
        } finally {
            closeQuietly(sink);
            done.run();
        }
    }

    /** The loop's output pipe into the box-stream; the loop's shutdown of output becomes the goodbye. */
    private static void pumpOut(Pipe.SourceChannel source, SecureTransport secure, Runnable done) {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        try {
            while (true) {
                buf.clear();
                int n = source.read(buf);
                if (n < 0) {
                    secure.shutdownOutput();
                    break;
                }
                buf.flip();
                secure.write(buf);
            }
        } catch (TransportException | IOException e) {
            Bus.LOG.log(Level.DEBUG, "{0}: output ended: {1}", secure.description(), e.getMessage());
            secure.close(); // the peer is gone: unblock the input pump too
        } finally {
            closeQuietly(source);
            done.run();
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /**
     * Stops accepting (the listener is closed by the server); after the loops have closed their
     * connections, waits up to a second for the last output to leave, then closes what is still open.
     */
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (var e : live.entrySet()) {
            try {
                e.getValue().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            e.getKey().close();
        }
    }

    @Override
    public String toString() {
        return "secure acceptor on " + address;
    }
}
