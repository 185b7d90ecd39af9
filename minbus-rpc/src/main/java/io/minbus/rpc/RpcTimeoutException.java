package io.minbus.rpc;

import java.io.Serial;

/**
 * A call got no response within its timeout. The request was cancelled at the peer (a
 * {@code cmd.cancel} was sent), and a late response is ignored.
 */
public class RpcTimeoutException extends RpcException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which call timed out, after how long, and what to do
     */
    public RpcTimeoutException(String message) {
        super(message);
    }
}
