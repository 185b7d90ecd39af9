package io.minbus.mux;

import io.minbus.wire.Limits;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Session} behaves: the limits it declares to the peer, the receive window per half,
 * the data chunk size, heartbeats and a name for logs. Immutable; build with {@link #builder()}.
 */
public final class SessionConfig {
    /** How queued chunks reach the transport; chosen by measurement (see {@link #DEFAULT_STRATEGY}). */
    public enum WriteStrategy {
        /** The thread that queued writes itself if no one else is writing; the writer drains everything. */
        FLAT_COMBINING,
        /** Only a dedicated writer thread writes. */
        WRITER_THREAD
    }

    /** The default strategy: flat combining (measured faster for ping-pong, see docs). */
    public static final WriteStrategy DEFAULT_STRATEGY = WriteStrategy.FLAT_COMBINING;

    /** Which thread reads the transport; chosen by measurement (see docs/architecture.md, "Threads"). */
    public enum ReadStrategy {
        /**
         * Leader/follower: a platform thread waiting in a receive reads the socket itself when no other
         * thread does, so the message it waits for needs no hand-off; the session's reader thread
         * reads while nobody else does. Only on transports that can be polled (Unix and TCP
         * sockets); others read on the reader thread.
         */
        WAITER_READS,
        /** Only the session's reader thread reads; it hands each message to the thread waiting for it. */
        READER_THREAD
    }

    private final Limits limits;
    private final int window;
    private final int chunkSize;
    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final Duration preambleTimeout;
    private final String name;
    private final WriteStrategy writeStrategy;
    private final ReadStrategy readStrategy;

    private SessionConfig(Builder b) {
        this.limits = b.limits;
        this.window = b.window;
        this.chunkSize = b.chunkSize;
        this.heartbeatInterval = b.heartbeatInterval;
        this.heartbeatTimeout = b.heartbeatTimeout;
        this.preambleTimeout = b.preambleTimeout;
        this.name = b.name;
        this.writeStrategy = b.writeStrategy;
        this.readStrategy = b.readStrategy;
    }

    /**
     * The defaults: {@link Limits#defaults()}, 1 MiB window, 64 KiB chunks, heartbeat every 10 s, 30 s
     * timeout, 10 s for the peer's preamble.
     */
    public static SessionConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder().limits(limits).window(window).chunkSize(chunkSize)
                .heartbeatInterval(heartbeatInterval).heartbeatTimeout(heartbeatTimeout)
                .preambleTimeout(preambleTimeout).name(name)
                .writeStrategy(writeStrategy).readStrategy(readStrategy);
    }

    /** The limits we declare; they bind the peer. */
    public Limits limits() {
        return limits;
    }

    /** Bytes of received data buffered per half we read, at most (the credit we keep granted). */
    public int window() {
        return window;
    }

    /** The largest data payload we put in one chunk. */
    public int chunkSize() {
        return chunkSize;
    }

    /** How long the connection may be idle before we ping the top level; zero disables heartbeats. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long we wait for the pong to a heartbeat before declaring the connection broken. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /**
     * How long {@link Session#start} waits for the peer's preamble before it closes the transport and
     * fails with {@link BrokenException} (a peer that accepts the connection and then says nothing).
     */
    public Duration preambleTimeout() {
        return preambleTimeout;
    }

    /** A name for logs and thread names. */
    public String name() {
        return name;
    }

    public WriteStrategy writeStrategy() {
        return writeStrategy;
    }

    /** Which thread reads: {@link ReadStrategy#WAITER_READS} unless set. */
    public ReadStrategy readStrategy() {
        return readStrategy;
    }

    /** Builds a {@link SessionConfig}. */
    public static final class Builder {
        private Limits limits = Limits.defaults();
        private int window = 1024 * 1024;
        private int chunkSize = 64 * 1024;
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private Duration heartbeatTimeout = Duration.ofSeconds(30);
        private Duration preambleTimeout = Duration.ofSeconds(10);
        private String name = "session";
        private WriteStrategy writeStrategy = DEFAULT_STRATEGY;
        private ReadStrategy readStrategy = ReadStrategy.WAITER_READS;

        private Builder() {}

        public Builder limits(Limits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** At least 1 byte. */
        public Builder window(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("the window must be at least 1 byte, not " + bytes);
            }
            this.window = bytes;
            return this;
        }

        /** At least 1 byte. */
        public Builder chunkSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("the chunk size must be at least 1 byte, not " + bytes);
            }
            this.chunkSize = bytes;
            return this;
        }

        public Builder heartbeatInterval(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("negative heartbeat interval " + value);
            }
            this.heartbeatInterval = value;
            return this;
        }

        public Builder heartbeatTimeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("the heartbeat timeout must be positive, not " + value);
            }
            this.heartbeatTimeout = value;
            return this;
        }

        /** Positive; see {@link SessionConfig#preambleTimeout()}. */
        public Builder preambleTimeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("the preamble timeout must be positive, not " + value);
            }
            this.preambleTimeout = value;
            return this;
        }

        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        public Builder writeStrategy(WriteStrategy value) {
            this.writeStrategy = Objects.requireNonNull(value, "writeStrategy");
            return this;
        }

        public Builder readStrategy(ReadStrategy value) {
            this.readStrategy = Objects.requireNonNull(value, "readStrategy");
            return this;
        }

        public SessionConfig build() {
            return new SessionConfig(this);
        }
    }
}
