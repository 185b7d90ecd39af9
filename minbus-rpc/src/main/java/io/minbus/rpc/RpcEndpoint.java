package io.minbus.rpc;

import io.minbus.rpc.internal.Endpoint;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One side of a Call/Notify session over one channel (docs/rpc.md). Both sides are equal: each
 * calls and notifies the other and serves commands. Many calls may be in flight in both
 * directions; each incoming request runs on its own virtual thread, so a slow handler never holds
 * up other calls. Thread-safe. Made by {@link RpcNode#connect} (the side that opens the channel)
 * or by {@link RpcNode#accept} (the side that serves an instance).
 */
public interface RpcEndpoint extends AutoCloseable {

    /**
     * Calls a command and waits for its response, for at most the configured call timeout.
     *
     * @return the response body
     * @throws RemoteException if the peer answered with an error
     * @throws RpcTimeoutException if the timeout passed (the request is cancelled at the peer)
     * @throws RpcCancelledException if this thread was interrupted (the request is cancelled)
     * @throws ChannelClosedException if the channel closed before the response arrived
     */
    byte[] call(String cmd, byte[] body);

    /** Like {@link #call(String, byte[])}, with this timeout instead of the configured one. */
    byte[] call(String cmd, byte[] body, Duration timeout);

    /**
     * Starts a call and returns at once. The future completes with the response body, or
     * exceptionally with the exceptions {@link #call(String, byte[])} throws; cancelling it cancels
     * the request at the peer (its handler is interrupted). Uses the configured call timeout.
     */
    CompletableFuture<byte[]> callAsync(String cmd, byte[] body);

    /** Like {@link #callAsync(String, byte[])}, with this timeout instead of the configured one. */
    CompletableFuture<byte[]> callAsync(String cmd, byte[] body, Duration timeout);

    /**
     * Sends a one-way message (Notify): no response, and failures of the peer's handler are only
     * logged there. The peer handles one-way messages from this endpoint in the order they were
     * sent. Blocks only while the channel has no credit.
     *
     * @throws ChannelClosedException if the channel is closed
     */
    void notify(String cmd, byte[] body);

    /**
     * A proxy for the Java interface the peer serves ({@link RpcConfig.Builder#serve}): each method
     * call becomes a call of its command, or a one-way message for {@link OneWay} methods.
     * Default methods run locally. No code generation; the interface is the whole contract.
     *
     * @throws IllegalArgumentException if minbus-rpc cannot map the interface (see {@link Command})
     */
    <T> T proxy(Class<T> type);

    /** Sends {@code cmd.ping} and returns the round-trip time. */
    Duration ping();

    /** Calls {@code GetMetadata}: the peer's metadata JSON object, with instance, codec and commands. */
    Map<String, Object> metadata();

    /** Sends {@code cmd.stop}: the peer answers, then runs its stop action (by default it closes). */
    void stopPeer();

    /** The name of the instance this endpoint talks to or serves, as given in {@code cmd.open}. */
    String instance();

    /** How many malformed messages the peer has sent so far (each was dropped). */
    long malformedCount();

    /** Whether this endpoint is still open. */
    boolean isOpen();

    /** Completes when this endpoint has closed, by either side. */
    CompletionStage<Void> closed();

    /**
     * Closes the channel; calls still waiting fail with {@link ChannelClosedException}.
     * Idempotent.
     */
    @Override
    void close();

    /**
     * The endpoint whose incoming message the current thread is handling, for typed service
     * implementations that want to call back into the peer; empty outside a handler.
     */
    static Optional<RpcEndpoint> current() {
        return Endpoint.current();
    }
}
