package io.minbus.rpc;

import io.minbus.rpc.internal.Commands;
import io.minbus.rpc.internal.NodeCore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The minbus-rpc side of one process (or one bus connection): it serves named instances to peers
 * that open channels to it ({@link #accept}), opens sessions to other nodes ({@link #connect}),
 * and routes the extra channels that carry streams to the session they belong to.
 *
 * <p>Every channel starts with a handshake (docs/rpc.md §4): the side that opened it sends
 * {@code cmd.open} (instance, codec, configuration) or {@code cmd.attach} (an extra channel of an
 * existing session), and the other side answers before anything else.
 */
public final class RpcNode implements AutoCloseable {

    private final NodeCore core;

    private RpcNode(Builder b) {
        this.core = new NodeCore(b.instances, b.codecs, b.handshakeTimeout);
    }

    /** A builder for a node that serves instances. */
    public static Builder builder() {
        return new Builder();
    }

    /** A node that serves no instances: it only opens sessions to others. */
    public static RpcNode client() {
        return builder().build();
    }

    /**
     * Takes a channel a peer opened to this node (a new session, or an extra channel of one).
     * Returns at once; the handshake runs on a virtual thread. A channel whose first message is not
     * a valid {@code cmd.open} or {@code cmd.attach} is answered with {@code cmd.error} and closed.
     */
    public void accept(MessageChannel channel) {
        core.accept(channel, Optional.empty());
    }

    /**
     * Like {@link #accept(MessageChannel)}, when this side can open channels back to the peer (over
     * minbus: when the peer is a named plugin); streams then need no extra round trip.
     */
    public void accept(MessageChannel channel, ChannelOpener openerToPeer) {
        core.accept(channel, Optional.of(openerToPeer));
    }

    /**
     * Opens a session: asks the peer node for an instance and returns the endpoint once the peer
     * has accepted. The opener lets this side open the extra channels of streams.
     *
     * @param channel a fresh channel to the peer node
     * @param opener opens more channels to the same peer
     * @param instance the instance name, e.g. {@code "kv"}
     * @param config its configuration: a {@code byte[]} travels as is, anything else is encoded
     *     with the codec of {@code rpc}
     * @param rpc what this side serves and how it behaves
     * @throws RemoteException if the peer refused (no such instance, unknown codec, bad config)
     * @throws ChannelClosedException if the channel closed or the handshake timed out
     */
    public RpcEndpoint connect(MessageChannel channel, ChannelOpener opener, String instance, Object config, RpcConfig rpc) {
        return core.connect(channel, Optional.of(opener), instance, config, rpc);
    }

    /**
     * Like {@link #connect(MessageChannel, ChannelOpener, String, Object, RpcConfig)} without an
     * opener: the peer then opens every extra channel, which it can only if it has an opener back.
     */
    public RpcEndpoint connect(MessageChannel channel, String instance, Object config, RpcConfig rpc) {
        return core.connect(channel, Optional.empty(), instance, config, rpc);
    }

    /** The names of the instances this node serves. */
    public Set<String> instances() {
        return core.instances();
    }

    /** Closes every session of this node. */
    @Override
    public void close() {
        core.close();
    }

    /** Builds a {@link RpcNode}. */
    public static final class Builder {
        private final Map<String, Dispenser> instances = new LinkedHashMap<>();
        private final Map<String, Codec> codecs = new LinkedHashMap<>();
        private Duration handshakeTimeout = Duration.ofSeconds(10);

        private Builder() {
            codecs.put(Codec.json().name(), Codec.json());
        }

        /**
         * Serves an instance: each {@code cmd.open} naming it gets its own endpoint from {@code
         * dispenser}.
         *
         * @param name the instance name (UTF-8 without 0x00; may be empty for a single default)
         * @throws IllegalArgumentException if the name is taken or contains 0x00
         */
        public Builder instance(String name, Dispenser dispenser) {
            Objects.requireNonNull(dispenser, "dispenser");
            if (name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("instance name must not contain NUL: " + name);
            }
            if (instances.putIfAbsent(name, dispenser) != null) {
                throw new IllegalArgumentException("instance '" + name + "' is already served");
            }
            return this;
        }

        /**
         * Serves an instance of a typed interface: {@code factory} makes one implementation per
         * {@code cmd.open}, typically from {@link InstanceRequest#config(Class)}.
         */
        public <T> Builder instance(String name, Class<T> type, Function<InstanceRequest, ? extends T> factory) {
            Commands.of(type); // fail now, not at the first cmd.open
            return instance(name, request -> RpcConfig.builder().serve(type, factory.apply(request)).build());
        }

        /** Lets peers ask for this codec (JSON is always known). */
        public Builder codec(Codec codec) {
            Commands.checkCodecName(codec.name());
            codecs.put(codec.name(), codec);
            return this;
        }

        /** How long a channel may take to send its first message, or to answer ours (default 10 s). */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshake timeout must be positive, got " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /** The node. */
        public RpcNode build() {
            return new RpcNode(this);
        }
    }
}
