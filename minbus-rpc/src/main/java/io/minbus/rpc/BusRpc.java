package io.minbus.rpc;

import io.minbus.client.Channel;
import io.minbus.client.IncomingConnection;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import io.minbus.transport.internal.logging.LazyLogger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import io.minbus.transport.BusAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * minbus-rpc over minbus (docs/rpc.md §9): a plugin serves an {@link RpcNode} on every channel
 * others open to it, and a client opens sessions to a plugin by name.
 *
 * <pre>{@code
 * // the plugin
 * Plugin plugin = MinBus.connect().register("kv", 1);
 * BusRpc.serve(plugin, RpcNode.builder().instance("", KeyValue.class, r -> new MapKv()).build());
 *
 * // a host
 * try (MinBus bus = MinBus.connect()) {
 *     KeyValue kv = BusRpc.proxy(bus, "kv", KeyValue.class);     // the default instance ""
 *     kv.put("a", "1");
 * }
 * }</pre>
 *
 * <p><b>Extra channels</b> (streams) are always opened by the side that connected: it connects to the
 * same plugin name again, each time on a new connection to the same bus, because the bus allows one
 * relay from a connection to a plugin at a time (docs/minbus.md §8.6); those connections close with
 * the session. The plugin side gets no opener back to the initiator, even a named one, because the
 * initiator need not serve anything; minbus-rpc then asks the initiator to open the channel ({@code
 * cmd.dial}, docs/rpc.md §7).
 *
 * <p><b>One session per connection and plugin</b>: for the same reason, a {@link MinBus} holds at
 * most one session with a given plugin at a time (a second {@link #connect} is refused with {@link
 * io.minbus.client.ConnectionRefusedException}); open another {@code MinBus} for a second one.
 */
public final class BusRpc {

    private static final System.Logger LOG = LazyLogger.of("io.minbus.rpc");
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private BusRpc() {}

    /**
     * Serves {@code node} on {@code plugin}: accepts every incoming connection from now on and hands
     * its channel to {@link RpcNode#accept}, on a daemon thread that ends when the plugin's bus
     * connection closes or is lost. The plugin must not use {@link Plugin#accept()} or {@link
     * Plugin#onConnect} itself.
     *
     * @return the accepting thread (it ends once the plugin is closed)
     */
    public static Thread serve(Plugin plugin, RpcNode node) {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(node, "node");
        return Thread.ofPlatform().daemon().name("minbus-rpc-serve-" + plugin.name()).start(() -> {
            while (true) {
                IncomingConnection incoming;
                try {
                    incoming = plugin.accept();
                } catch (MinBusException | IllegalStateException e) {
                    LOG.log(Level.DEBUG, () -> "minbus-rpc: " + plugin.name() + " stops accepting: " + e.getMessage());
                    return;
                }
                Thread.ofVirtual().name("minbus-rpc-accept-" + plugin.name()).start(() -> {
                    Channel channel;
                    try {
                        channel = incoming.accept();
                    } catch (MinBusException e) {
                        LOG.log(Level.DEBUG, () -> "minbus-rpc: could not accept a connection from '"
                                + incoming.name() + "': " + e.getMessage());
                        return;
                    }
                    node.accept(channel(channel));
                });
            }
        });
    }

    /**
     * Opens a session with an instance of the plugin {@code plugin}: connects to it, sends {@code
     * cmd.open} and returns the endpoint once the plugin accepted. Extra channels connect to the
     * same plugin name again on connections of their own. Closing the endpoint closes its channel;
     * closing {@code bus} closes every endpoint opened through it. One session per {@code bus} and
     * plugin at a time.
     *
     * @param config the instance's configuration: {@code byte[]} as is, else encoded with the codec
     *     of {@code rpc}; {@code new byte[0]} for none
     * @throws io.minbus.client.NoSuchPluginException if no plugin has that name
     * @throws io.minbus.client.ConnectionRefusedException if the plugin or the bus refused
     * @throws io.minbus.client.BusGoneException if the connection to the bus is lost
     * @throws RemoteException if the plugin refused the session (no such instance, bad config)
     * @throws ChannelClosedException if the channel closed or the handshake timed out
     */
    public static RpcEndpoint connect(MinBus bus, String plugin, String instance, Object config, RpcConfig rpc) {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(plugin, "plugin");
        MessageChannel main = channel(bus.connect(plugin));
        // one relay from a connection to a plugin at a time (docs/minbus.md §8.6): each extra
        // channel gets a bus connection of its own, closed with the session
        List<MinBus> extras = new CopyOnWriteArrayList<>();
        AtomicBoolean over = new AtomicBoolean();
        ChannelOpener opener = () -> {
            MinBus extra;
            try {
                extra = MinBus.connect(BusAddress.parse(bus.description()));
            } catch (RuntimeException e) {
                throw new ChannelClosedException("cannot open another channel to plugin '" + plugin
                        + "': no second connection to the bus at " + bus.description() + ": " + e.getMessage(), e);
            }
            extras.add(extra);
            if (over.get()) {
                extra.close();
                throw new ChannelClosedException("the session with plugin '" + plugin + "' is closed");
            }
            try {
                return channel(extra.connect(plugin));
            } catch (MinBusException e) {
                throw new ChannelClosedException("cannot open another channel to plugin '" + plugin + "': "
                        + e.getMessage(), e);
            }
        };
        RpcEndpoint ep;
        try {
            ep = RpcNode.client().connect(main, opener, instance, config, rpc);
        } catch (RuntimeException e) {
            main.close();
            throw e;
        }
        ep.closed().whenComplete((v, e) -> {
            over.set(true);
            Thread.ofVirtual().name("minbus-rpc-close-extras").start(() -> extras.forEach(MinBus::close));
        });
        return ep;
    }

    /**
     * A typed proxy for the default instance ({@code ""}) of plugin {@code plugin}, with no
     * configuration and the default settings. The session lives until {@code bus} is closed.
     *
     * @see #connect(MinBus, String, String, Object, RpcConfig)
     */
    public static <T> T proxy(MinBus bus, String plugin, Class<T> type) {
        return connect(bus, plugin, "", new byte[0], RpcConfig.defaults()).proxy(type);
    }

    /**
     * Adapts one minbus channel to a {@link MessageChannel}: one message is one channel message,
     * the end of the half we read (closed by the peer, broken, bus lost) is the end of the channel,
     * and {@link MessageChannel#close()} ends both halves.
     */
    public static MessageChannel channel(Channel channel) {
        return new BusChannel(Objects.requireNonNull(channel, "channel"));
    }

    /** The adapter of docs/rpc.md §9. */
    private static final class BusChannel implements MessageChannel {
        private final Channel channel;
        private final AtomicBoolean closed = new AtomicBoolean();

        BusChannel(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void send(ByteBuffer message) {
            sendOrWrite(message, true);
        }

        @Override
        public void write(ByteBuffer message) {
            sendOrWrite(message, false);
        }

        private void sendOrWrite(ByteBuffer message, boolean flush) {
            if (closed.get()) {
                throw new ChannelClosedException(this + " is closed");
            }
            try {
                if (flush) {
                    channel.send(message);
                } else {
                    channel.write(message);
                }
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new RpcCancelledException("interrupted while sending on " + this);
                }
                throw new ChannelClosedException("sending on " + this + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void flush() {
            try {
                channel.flush();
            } catch (RuntimeException e) {
                throw new ChannelClosedException("flushing " + this + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean deliverTo(Predicate<ByteBuffer> receiver) {
            return !closed.get() && channel.deliverTo(receiver);
        }

        @Override
        public Optional<ByteBuffer> receive() {
            if (closed.get()) {
                return Optional.empty();
            }
            try {
                return Optional.of(channel.receive());
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new RpcCancelledException("interrupted while receiving on " + this);
                }
                // closed by the peer, cancelled by us, broken by the bus, or the bus is gone: the end
                if (!(e instanceof io.minbus.client.ChannelClosedException) && !closed.get()) {
                    LOG.log(Level.DEBUG, () -> "minbus-rpc: " + this + " ended: " + e.getMessage());
                }
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            // cancelling the half we read wakes our blocked receive and fails the peer's sends at once
            try {
                channel.cancel(EMPTY.duplicate());
            } catch (RuntimeException e) {
                // gone already
            }
            // closing the half we write waits for a send in progress, which may wait for credit
            Thread.ofVirtual().name("minbus-rpc-close").start(() -> {
                try {
                    channel.close(EMPTY.duplicate());
                } catch (RuntimeException e) {
                    // gone already
                }
            });
        }

        @Override
        public String toString() {
            return "bus " + channel;
        }
    }
}
