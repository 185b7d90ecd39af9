package io.minbus.rpc;

import java.io.Serial;

/**
 * A {@link Codec} could not encode or decode a value, for example because the bytes are not what
 * the method's parameter types expect. The peer sees it as a {@link RemoteException} of this type.
 */
public class CodecException extends RpcException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what could not be encoded or decoded, and why
     * @param cause the codec's own failure
     */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception.
     *
     * @param message what could not be encoded or decoded, and why
     */
    public CodecException(String message) {
        super(message);
    }
}
