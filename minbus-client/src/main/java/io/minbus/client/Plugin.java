package io.minbus.client;

import io.minbus.protocol.PluginInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A name registered on the bus: others find it in listings and watches, and connect to it. Take
 * their connections one at a time with {@link #accept()}, or hand them to a handler with {@link
 * #onConnect} (on a thread each, or on the threads of an executor you give). Closing the plugin closes its {@link MinBus} connection, which frees the name.
 *
 * <p>Thread-safe.
 */
public interface Plugin extends AutoCloseable {

    /** The registered name and version. */
    PluginInfo info();

    /** The registered name. */
    default String name() {
        return info().name();
    }

    /** The registered version. */
    default int version() {
        return info().version();
    }

    /** The connection this name is registered on. */
    MinBus bus();

    /**
     * Waits for the next incoming connection; accept or deny it.
     *
     * @throws BusGoneException once the connection is lost
     * @throws IllegalStateException if a handler was set with {@link #onConnect}
     */
    IncomingConnection accept();

    /** The next incoming connection, or empty if none came within {@code timeout}. */
    Optional<IncomingConnection> accept(Duration timeout);

    /**
     * Accepts every incoming connection from now on and runs {@code handler} with its channel on a
     * thread of its own: a pooled platform thread for the first few handlers running at once in the
     * process (as many as it has processors; {@link MinBus.Builder#platformHandlers(int)}), which
     * read the socket themselves while they wait in {@link Channel#receive()} and so answer
     * fastest, and a virtual thread beyond. Channels that must answer fast should therefore be the
     * first ones served, or get an executor (below). When
     * the handler returns (or throws, which is logged), the channel
     * is closed ({@link Channel#close()}): hand it to {@link #accept()} instead if it must outlive
     * the handler.
     *
     * @throws IllegalStateException if a handler is already set
     */
    default void onConnect(Consumer<Channel> handler) {
        onConnect(incoming -> true, handler);
    }

    /**
     * Like {@link #onConnect(Consumer)}, but denies the connections {@code filter} rejects (it sees
     * the initiator's name and version).
     */
    void onConnect(Predicate<IncomingConnection> filter, Consumer<Channel> handler);

    /**
     * Like {@link #onConnect(Predicate, Consumer)}, but runs the filter and the handler of each
     * connection as a task of {@code executor} instead of on a thread of its own. The task
     * lasts as long as the handler, so the executor needs a thread per channel served at once, as
     * {@link java.util.concurrent.Executors#newCachedThreadPool()} gives.
     *
     * <p>The reason to use it is to choose the threads: a platform thread waiting in {@link
     * Channel#receive()} reads the bus connection's socket itself while no other thread does, so
     * each message reaches it without a hand-off between threads (leader/follower; a virtual thread
     * waits for the connection's reader thread instead). On a 2-vCPU machine that takes tens of
     * microseconds off a round trip (docs/benchmarks.md). Without an executor only the first few
     * handlers get platform threads; a pool gives them to every channel you want served that way.
     * Each platform thread costs its stack, and with tens of busy channels virtual threads measured
     * faster, so keep virtual threads for many channels.
     *
     * <p>{@code execute} is called on the bus connection's dispatcher thread, which also delivers
     * the next connections, visibility questions and direct questions: an executor that runs the
     * task in the calling thread (such as {@code Runnable::run}, or a pool whose saturation policy
     * is {@code CallerRunsPolicy}) holds all of them up until the handler returns, and a pool with
     * fewer threads than channels leaves the extra connections waiting, their initiators in
     * {@code connect}. If the executor throws (a {@link
     * java.util.concurrent.RejectedExecutionException} or anything else), that connection is denied
     * and the failure logged.
     *
     * @throws IllegalStateException if a handler is already set
     */
    void onConnect(Predicate<IncomingConnection> filter, Consumer<Channel> handler, Executor executor);

    /** Connects to another plugin; the same as {@code bus().connect(name)}. */
    default Channel connect(String name) {
        return bus().connect(name);
    }

    /** Connects to another plugin at {@code minVersion} or later; the same as {@code bus().connect(name, minVersion)}. */
    default Channel connect(String name, int minVersion) {
        return bus().connect(name, minVersion);
    }

    /** Closes the connection (see {@link MinBus#close()}), which unregisters the name. */
    @Override
    default void close() {
        bus().close();
    }
}
