package io.minbus.rpc;

import java.io.Serial;

/**
 * No handler serves the command. A handler throws it for commands it does not know; the peer then
 * sees a {@link RemoteException} whose {@link RemoteException#remoteType()} is this class's name.
 */
public class UnknownCommandException extends RpcException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a command.
     *
     * @param command the command nobody serves
     * @param served a description of what is served, e.g. {@code "put, get"}
     */
    public UnknownCommandException(String command, String served) {
        super("unknown command '" + command + "'; this endpoint serves: " + served
                + " (GetMetadata lists them)");
    }
}
