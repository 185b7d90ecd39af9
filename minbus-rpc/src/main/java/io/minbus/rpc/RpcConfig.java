package io.minbus.rpc;

import io.minbus.rpc.internal.Commands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What one endpoint serves and how it behaves: typed services, untyped command handlers, the
 * post-registration callback, the stop action, metadata, codec, timeout and limits. Immutable;
 * made by {@link #builder()}.
 */
public final class RpcConfig {

    /**
     * A typed service: an implementation of a Java interface whose methods become commands.
     *
     * @param type the interface
     * @param implementation the object that serves it
     * @param <T> the interface type
     */
    public record Service<T>(Class<T> type, T implementation) {}

    private final List<Service<?>> services;
    private final Map<String, RpcHandler> commands;
    private final RpcHandler fallback;
    private final Consumer<RpcEndpoint> onRegistered;
    private final Consumer<RpcEndpoint> onStop;
    private final Consumer<MalformedMessageException> onMalformed;
    private final Map<String, Object> metadata;
    private final Codec codec;
    private final Optional<Duration> callTimeout;
    private final int maxConcurrentRequests;
    private final int oneWayQueue;
    private final int streamChunkBytes;

    private RpcConfig(Builder b) {
        this.services = List.copyOf(b.services);
        this.commands = Collections.unmodifiableMap(new LinkedHashMap<>(b.commands));
        this.fallback = b.fallback;
        this.onRegistered = b.onRegistered;
        this.onStop = b.onStop;
        this.onMalformed = b.onMalformed;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
        this.codec = b.codec;
        this.callTimeout = b.callTimeout;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        this.oneWayQueue = b.oneWayQueue;
        this.streamChunkBytes = b.streamChunkBytes;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: serves nothing but the built-ins, JSON codec, no call timeout. */
    public static RpcConfig defaults() {
        return builder().build();
    }

    /** The typed services, in the order they were added. */
    public List<Service<?>> services() {
        return services;
    }

    /** The untyped command handlers by command. */
    public Map<String, RpcHandler> commands() {
        return commands;
    }

    /** The handler for commands nothing else serves; by default it throws {@link UnknownCommandException}. */
    public RpcHandler fallback() {
        return fallback;
    }

    /** Runs once the endpoint is registered, before any incoming message is handled. */
    public Consumer<RpcEndpoint> onRegistered() {
        return onRegistered;
    }

    /** Runs when the peer sends {@code cmd.stop}, after the response; by default closes the endpoint. */
    public Consumer<RpcEndpoint> onStop() {
        return onStop;
    }

    /** Told of each malformed message the peer sends (after it was logged and dropped). */
    public Consumer<MalformedMessageException> onMalformed() {
        return onMalformed;
    }

    /** The entries {@code GetMetadata} returns besides {@code instance}, {@code codec} and {@code commands}. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /**
     * The codec this side asks for when it opens a channel ({@link RpcNode#connect}). On the
     * accepting side the session uses the codec the opener named instead (it must be registered
     * with {@link RpcNode.Builder#codec}).
     */
    public Codec codec() {
        return codec;
    }

    /** The timeout of calls that name none; empty means calls wait until answered or cancelled. */
    public Optional<Duration> callTimeout() {
        return callTimeout;
    }

    /** How many incoming requests may run at once before the endpoint stops reading. */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /** How many incoming one-way messages may wait for their turn before the endpoint stops reading. */
    public int oneWayQueue() {
        return oneWayQueue;
    }

    /** The largest data message a stream sends (docs/rpc.md §7). */
    public int streamChunkBytes() {
        return streamChunkBytes;
    }

    /** Builds a {@link RpcConfig}; every setter checks its argument at once. */
    public static final class Builder {
        private final List<Service<?>> services = new ArrayList<>();
        private final Map<String, RpcHandler> commands = new LinkedHashMap<>();
        private RpcHandler fallback = Commands.UNKNOWN;
        private Consumer<RpcEndpoint> onRegistered = ep -> {};
        private Consumer<RpcEndpoint> onStop = RpcEndpoint::close;
        private Consumer<MalformedMessageException> onMalformed = e -> {};
        private final Map<String, Object> metadata = new LinkedHashMap<>();
        private Codec codec = Codec.json();
        private Optional<Duration> callTimeout = Optional.empty();
        private int maxConcurrentRequests = 10_000;
        private int oneWayQueue = 1024;
        private int streamChunkBytes = 64 * 1024;

        private Builder() {}

        /**
         * Serves a Java interface: each of its abstract methods becomes a command (its name, or
         * its {@link Command}); the peer calls it through {@link RpcEndpoint#proxy}.
         *
         * @throws IllegalArgumentException if {@code type} is not a public interface minbus-rpc can
         *     map (two methods with one command, {@link OneWay} on a non-void method, ...), or one
         *     of its commands is already served
         */
        public <T> Builder serve(Class<T> type, T implementation) {
            Objects.requireNonNull(implementation, "implementation");
            if (!type.isInstance(implementation)) {
                throw new IllegalArgumentException(implementation.getClass().getName() + " does not implement " + type.getName());
            }
            for (String cmd : Commands.of(type)) {
                claim(cmd);
            }
            services.add(new Service<>(type, implementation));
            return this;
        }

        /**
         * Serves one untyped command.
         *
         * @throws IllegalArgumentException if the command is reserved (docs/rpc.md §2) or taken
         */
        public Builder command(String cmd, RpcHandler handler) {
            Objects.requireNonNull(handler, "handler");
            claim(cmd);
            commands.put(cmd, handler);
            return this;
        }

        /** Handles every command nothing else serves (the seed's single "call-up" function). */
        public Builder fallback(RpcHandler handler) {
            this.fallback = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Runs once the endpoint is registered and before any incoming message is handled; it may
         * call the peer (responses are read meanwhile).
         */
        public Builder onRegistered(Consumer<RpcEndpoint> callback) {
            this.onRegistered = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /** What {@code cmd.stop} does after it was answered; by default closes the endpoint. */
        public Builder onStop(Consumer<RpcEndpoint> action) {
            this.onStop = Objects.requireNonNull(action, "action");
            return this;
        }

        /** Told of each malformed message the peer sends; it is logged and dropped anyway. */
        public Builder onMalformed(Consumer<MalformedMessageException> listener) {
            this.onMalformed = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Adds an entry to the JSON object {@code GetMetadata} returns.
         *
         * @throws IllegalArgumentException for the keys minbus-rpc fills in: instance, codec, commands
         */
        public Builder metadata(String key, Object value) {
            Objects.requireNonNull(value, "value");
            if (Commands.METADATA_KEYS.contains(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is filled in by minbus-rpc; pick another key");
            }
            metadata.put(key, value);
            return this;
        }

        /** The codec to ask for when this side opens a channel; JSON by default. */
        public Builder codec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            Commands.checkCodecName(codec.name());
            return this;
        }

        /** The timeout of calls that name none (typed calls included). */
        public Builder callTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("call timeout must be positive, got " + timeout);
            }
            this.callTimeout = Optional.of(timeout);
            return this;
        }

        /** How many incoming requests may run at once (default 10,000). */
        public Builder maxConcurrentRequests(int max) {
            this.maxConcurrentRequests = positive(max, "maxConcurrentRequests");
            return this;
        }

        /** How many incoming one-way messages may wait for their turn (default 1,024). */
        public Builder oneWayQueue(int capacity) {
            this.oneWayQueue = positive(capacity, "oneWayQueue");
            return this;
        }

        /** The largest data message a stream sends (default 65,536 bytes). */
        public Builder streamChunkBytes(int bytes) {
            this.streamChunkBytes = positive(bytes, "streamChunkBytes");
            return this;
        }

        /** The configuration. */
        public RpcConfig build() {
            return new RpcConfig(this);
        }

        private void claim(String cmd) {
            Commands.checkUserCommand(cmd);
            boolean taken = commands.containsKey(cmd);
            for (Service<?> s : services) {
                taken |= Commands.of(s.type()).contains(cmd);
            }
            if (taken) {
                throw new IllegalArgumentException("command '" + cmd + "' is served twice; each command needs exactly one handler");
            }
        }

        private static int positive(int value, String what) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive, got " + value);
            }
            return value;
        }
    }
}
