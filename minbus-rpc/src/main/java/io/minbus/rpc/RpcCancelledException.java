package io.minbus.rpc;

import java.io.Serial;

/**
 * A blocking operation was cancelled because its thread was interrupted. The interrupt status of
 * the thread is set again when this is thrown, and a call in progress was cancelled at the peer.
 */
public class RpcCancelledException extends RpcException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was cancelled
     */
    public RpcCancelledException(String message) {
        super(message);
    }
}
