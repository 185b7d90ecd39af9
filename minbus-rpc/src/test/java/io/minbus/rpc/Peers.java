package io.minbus.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Two nodes joined by in-memory channels: a server node serving instances and a client node that
 * connects. The client can always open channels to the server (as over minbus, where the initiator
 * can always connect again); the server can open channels back only if {@code serverCanOpen}.
 */
public final class Peers implements AutoCloseable {

    /** Messages each direction of every channel holds: small, so back-pressure is real. */
    public static final int CAPACITY = 8;

    public final RpcNode server;
    public final RpcNode client = RpcNode.client();
    private final boolean serverCanOpen;
    private final boolean delivering;
    private final List<MemoryChannel> channels = new ArrayList<>();

    public Peers(RpcNode server, boolean serverCanOpen) {
        this(server, serverCanOpen, false);
    }

    /** With {@code delivering}, every channel supports {@link MessageChannel#deliverTo}, as a minbus channel does. */
    public Peers(RpcNode server, boolean serverCanOpen, boolean delivering) {
        this.server = server;
        this.serverCanOpen = serverCanOpen;
        this.delivering = delivering;
    }

    /** Opens a session to the server. */
    public RpcEndpoint connect(String instance, Object config, RpcConfig rpc) {
        MemoryChannel[] p = pair();
        accept(server, p[1], serverCanOpen ? Optional.of(openerTo(client, Optional.empty())) : Optional.empty());
        return client.connect(p[0], openerTo(server, serverCanOpen ? Optional.of(openerTo(client, Optional.empty())) : Optional.empty()),
                instance, config, rpc);
    }

    /** Opens a session to the server without giving the client an opener. */
    public RpcEndpoint connectWithoutOpener(String instance, Object config, RpcConfig rpc) {
        MemoryChannel[] p = pair();
        accept(server, p[1], serverCanOpen ? Optional.of(openerTo(client, Optional.empty())) : Optional.empty());
        return client.connect(p[0], instance, config, rpc);
    }

    /** How many channel ends made so far are not closed (a session's main channel has two). */
    public long openChannelEnds() {
        synchronized (channels) {
            return channels.stream().filter(c -> !c.isClosed()).count();
        }
    }

    /** Every channel end made so far. */
    public List<MemoryChannel> channels() {
        synchronized (channels) {
            return List.copyOf(channels);
        }
    }

    private ChannelOpener openerTo(RpcNode node, Optional<ChannelOpener> back) {
        return () -> {
            MemoryChannel[] p = pair();
            accept(node, p[1], back);
            return p[0];
        };
    }

    private static void accept(RpcNode node, MemoryChannel ch, Optional<ChannelOpener> back) {
        if (back.isPresent()) {
            node.accept(ch, back.get());
        } else {
            node.accept(ch);
        }
    }

    private MemoryChannel[] pair() {
        MemoryChannel[] p = MemoryChannel.pair(CAPACITY, delivering);
        synchronized (channels) {
            channels.add(p[0]);
            channels.add(p[1]);
        }
        return p;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
