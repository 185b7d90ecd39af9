package io.minbus.rpc;

import java.io.Serial;

/**
 * Base of every exception minbus-rpc throws. Unchecked; the message says what happened and, where
 * it can, what to do about it.
 */
public class RpcException extends RuntimeException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what happened and what to do
     */
    public RpcException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public RpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
