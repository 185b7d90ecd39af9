package io.minbus.rpc;

import java.io.Serial;

/**
 * The channel is closed: this side or the peer closed it, or the connection under it failed.
 * {@link MessageChannel#send} throws it once the channel cannot carry messages any more, and every
 * call still waiting for a response fails with it when its channel closes.
 */
public class ChannelClosedException extends RpcException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which channel closed and, where known, why
     */
    public ChannelClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message which channel closed and, where known, why
     * @param cause the underlying failure
     */
    public ChannelClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
