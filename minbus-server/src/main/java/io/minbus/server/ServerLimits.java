package io.minbus.server;

import io.minbus.wire.Limits;
import java.time.Duration;
import java.util.Objects;

/**
 * Every limit the Min-Bus server enforces, with the defaults of docs/minbus.md §13. Build one with
 * {@link #builder()}; {@link #defaults()} is the documented configuration.
 *
 * @param maxConnections     sessions held at once; beyond it a new byte stream is closed before the
 *                           preamble
 * @param registrationTimeout how long a connection may stay unregistered ({@code 01 06})
 * @param maxNamesPerProcess named registrations per peer process ({@code 01 05}): per pid when a {@link
 *                           ProcessResolver} knows it, else per peer user on Unix sockets, else per
 *                           connection (docs/minbus.md §14)
 * @param maxRelaysPerPlugin relays a plugin takes part in, as initiator or target ({@code 00 07}, {@code 00 08})
 * @param relayBuffer        bytes buffered per relay direction; also the cap on credit handed on
 * @param relayBufferMax     the most a relay direction's cap grows to while its sender waits for credit
 *                           and its receiver keeps up (docs/minbus.md §9.2); {@code relayBuffer} turns
 *                           growth off
 * @param relayMemory        bytes reserved for all relays together, {@code 2 x relayBuffer} each ({@code 00})
 * @param watchBacklog       queued event bytes per connection stream before it is closed ({@code 01 0a})
 * @param maxPendingQueries  connection queries awaiting their response per connection ({@code 00})
 * @param topLevelCredit     top-level credit the server keeps granted to each plugin
 * @param heartbeatInterval  idle time after which the server pings a connection
 * @param heartbeatTimeout   time after that ping without anything received before the connection is dropped
 * @param visibilityTimeout  how long an explicit plugin has to answer a visibility question before it
 *                           counts as a denial (docs/minbus.md §18.7)
 * @param maxVisibilityQuestions unanswered visibility questions per explicit plugin (§18.7)
 * @param session            the session limits the server declares in its preamble (docs/protocol.md §10)
 */
public record ServerLimits(
        int maxConnections,
        Duration registrationTimeout,
        int maxNamesPerProcess,
        int maxRelaysPerPlugin,
        int relayBuffer,
        int relayBufferMax,
        long relayMemory,
        int watchBacklog,
        int maxPendingQueries,
        int topLevelCredit,
        Duration heartbeatInterval,
        Duration heartbeatTimeout,
        Duration visibilityTimeout,
        int maxVisibilityQuestions,
        Limits session) {

    /** The largest registration message: 1 + 255 + 2 bytes; top-level credit must cover it. */
    public static final int LARGEST_REGISTRATION = 258;

    /** @throws IllegalArgumentException naming the limit and the allowed range */
    public ServerLimits {
        positive("maxConnections", maxConnections);
        positive("registrationTimeout", registrationTimeout);
        positive("maxNamesPerProcess", maxNamesPerProcess);
        positive("maxRelaysPerPlugin", maxRelaysPerPlugin);
        positive("relayBuffer", relayBuffer);
        positive("watchBacklog", watchBacklog);
        positive("maxPendingQueries", maxPendingQueries);
        positive("heartbeatInterval", heartbeatInterval);
        positive("heartbeatTimeout", heartbeatTimeout);
        positive("visibilityTimeout", visibilityTimeout);
        positive("maxVisibilityQuestions", maxVisibilityQuestions);
        Objects.requireNonNull(session, "session");
        if (relayBufferMax < relayBuffer) {
            throw new IllegalArgumentException("relayBufferMax " + relayBufferMax + " is below relayBuffer " + relayBuffer
                    + "; set it to relayBuffer to turn growth off");
        }
        if (relayMemory < 2L * relayBuffer) {
            throw new IllegalArgumentException("relayMemory " + relayMemory + " cannot hold even one relay of 2 x"
                    + " relayBuffer = " + 2L * relayBuffer + " bytes; raise relayMemory or lower relayBuffer");
        }
        if (topLevelCredit < LARGEST_REGISTRATION) {
            throw new IllegalArgumentException("topLevelCredit " + topLevelCredit + " is below "
                    + LARGEST_REGISTRATION + ", the largest registration message; raise it");
        }
        if (Long.compareUnsigned(session.maxEntities(), maxRelaysPerPlugin) <= 0) {
            throw new IllegalArgumentException("session max_entities " + Long.toUnsignedString(session.maxEntities())
                    + " must exceed maxRelaysPerPlugin " + maxRelaysPerPlugin
                    + ", so that the relay limit answers before the session's limit does");
        }
    }

    /** The documented defaults (docs/minbus.md §13). */
    public static ServerLimits defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Builds {@link ServerLimits}; every setter is named after its limit. */
    public static final class Builder {
        private int maxConnections = 16384;
        private Duration registrationTimeout = Duration.ofSeconds(10);
        private int maxNamesPerProcess = 1024;
        private int maxRelaysPerPlugin = 1024;
        private int relayBuffer = 256 * 1024;
        private int relayBufferMax = 1024 * 1024;
        /** Whether {@link #relayBufferMax(int)} was called; if not, the maximum is raised to a larger relayBuffer. */
        private boolean relayBufferMaxSet;
        private long relayMemory = 1L << 30;
        private int watchBacklog = 1 << 20;
        private int maxPendingQueries = 8;
        private int topLevelCredit = 4096;
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private Duration heartbeatTimeout = Duration.ofSeconds(30);
        private Duration visibilityTimeout = Duration.ofSeconds(10);
        private int maxVisibilityQuestions = 64;
        private Limits session = Limits.defaults().withMaxEntities(4096);

        private Builder() {
        }

        private Builder(ServerLimits l) {
            maxConnections = l.maxConnections;
            registrationTimeout = l.registrationTimeout;
            maxNamesPerProcess = l.maxNamesPerProcess;
            maxRelaysPerPlugin = l.maxRelaysPerPlugin;
            relayBuffer = l.relayBuffer;
            relayBufferMax = l.relayBufferMax;
            relayMemory = l.relayMemory;
            watchBacklog = l.watchBacklog;
            maxPendingQueries = l.maxPendingQueries;
            topLevelCredit = l.topLevelCredit;
            heartbeatInterval = l.heartbeatInterval;
            heartbeatTimeout = l.heartbeatTimeout;
            visibilityTimeout = l.visibilityTimeout;
            maxVisibilityQuestions = l.maxVisibilityQuestions;
            session = l.session;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder registrationTimeout(Duration value) {
            registrationTimeout = value;
            return this;
        }

        public Builder maxNamesPerProcess(int value) {
            maxNamesPerProcess = value;
            return this;
        }

        public Builder maxRelaysPerPlugin(int value) {
            maxRelaysPerPlugin = value;
            return this;
        }

        public Builder relayBuffer(int value) {
            relayBuffer = value;
            return this;
        }

        /** Unless set, at least {@link #relayBuffer(int)}: a larger buffer raises it. */
        public Builder relayBufferMax(int value) {
            relayBufferMax = value;
            relayBufferMaxSet = true;
            return this;
        }

        public Builder relayMemory(long value) {
            relayMemory = value;
            return this;
        }

        public Builder watchBacklog(int value) {
            watchBacklog = value;
            return this;
        }

        public Builder maxPendingQueries(int value) {
            maxPendingQueries = value;
            return this;
        }

        public Builder topLevelCredit(int value) {
            topLevelCredit = value;
            return this;
        }

        public Builder heartbeatInterval(Duration value) {
            heartbeatInterval = value;
            return this;
        }

        public Builder heartbeatTimeout(Duration value) {
            heartbeatTimeout = value;
            return this;
        }

        public Builder visibilityTimeout(Duration value) {
            visibilityTimeout = value;
            return this;
        }

        public Builder maxVisibilityQuestions(int value) {
            maxVisibilityQuestions = value;
            return this;
        }

        public Builder session(Limits value) {
            session = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the limit that is out of range */
        public ServerLimits build() {
            return new ServerLimits(maxConnections, registrationTimeout, maxNamesPerProcess, maxRelaysPerPlugin,
                    relayBuffer, relayBufferMaxSet ? relayBufferMax : Math.max(relayBufferMax, relayBuffer), relayMemory, watchBacklog, maxPendingQueries, topLevelCredit, heartbeatInterval,
                    heartbeatTimeout, visibilityTimeout, maxVisibilityQuestions, session);
        }
    }
}
