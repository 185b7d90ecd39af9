package io.minbus.server.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts connections on one listening socket (registered with one loop's selector) and hands each to
 * a loop, round-robin over all loops. Beyond {@code max_connections} a new byte stream is closed at
 * once, before the server's preamble (docs/minbus.md §13).
 */
public final class Acceptor {
    private final ServerSocketChannel channel;
    private final String address;
    private final Loop[] loops;
    private final AtomicInteger next;
    private final Bus bus;

    /**
     * @param next shared by all acceptors of a server, for the round-robin
     */
    public Acceptor(ServerSocketChannel channel, String address, Loop[] loops, AtomicInteger next, Bus bus) {
        this.channel = channel;
        this.address = address;
        this.loops = loops;
        this.next = next;
        this.bus = bus;
    }

    /** Registers with {@code loop}'s selector, from that loop. */
    public void register(Loop loop) {
        loop.execute(() -> {
            try {
                channel.configureBlocking(false);
                channel.register(loop.selector, SelectionKey.OP_ACCEPT, this);
            } catch (IOException e) {
                Bus.LOG.log(Level.ERROR, "cannot accept on " + address + ": " + e.getMessage(), e);
            }
        });
    }

    void acceptAll() {
        while (true) {
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                Bus.LOG.log(channel.isOpen() ? Level.WARNING : Level.DEBUG, "accepting on {0} failed: {1}", address,
                        e.toString());
                return;
            }
            if (accepted == null) {
                return;
            }
            if (bus.shuttingDown || !Conn.admitOne(bus)) {
                bus.counters.connectionRefused();
                Bus.LOG.log(Level.INFO, "refused a connection on {0}: {1}", address, bus.shuttingDown
                        ? "the server is shutting down"
                        : "max_connections (" + bus.limits.maxConnections() + ") reached");
                try {
                    accepted.close();
                } catch (IOException e) {
                    // nothing left to do
                }
                continue;
            }
            Io io;
            try {
                io = Io.socket(accepted, address);
            } catch (IOException e) {
                Conn.released(bus);
                Bus.LOG.log(Level.DEBUG, "a connection on {0} failed at once: {1}", address, e.getMessage());
                try {
                    accepted.close();
                } catch (IOException e2) {
                    // nothing left to do
                }
                continue;
            }
            Loop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
            Conn.start(loop, io);
        }
    }

    @Override
    public String toString() {
        return "acceptor on " + address;
    }
}
