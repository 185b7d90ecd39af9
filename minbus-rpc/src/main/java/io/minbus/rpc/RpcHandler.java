package io.minbus.rpc;

/**
 * Handles incoming commands: requests (its result is the response body) and one-way messages (its
 * result is ignored). Runs on a virtual thread of its own for each request, so it may block; a
 * cancelled or timed-out call interrupts it. One-way messages are handled one at a time, in order.
 *
 * <p>Throwing answers a request with {@code cmd.error}: the caller sees a {@link RemoteException}
 * carrying the exception's class name and message. Throw {@link UnknownCommandException} for a
 * command this handler does not serve.
 */
@FunctionalInterface
public interface RpcHandler {

    /**
     * Handles one message.
     *
     * @param message the command, its body and the endpoint it arrived on
     * @return the response body (an empty array for none, and null counts as empty; ignored for
     *     one-way messages)
     * @throws Exception any failure, sent to the caller as {@code cmd.error}
     */
    byte[] handle(RpcMessage message) throws Exception;
}
