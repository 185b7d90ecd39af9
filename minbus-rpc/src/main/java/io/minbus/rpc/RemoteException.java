package io.minbus.rpc;

import java.io.Serial;
import java.util.Optional;

/**
 * The peer answered a call with {@code cmd.error} (docs/rpc.md §3.3): its handler threw, it does
 * not know the command, or it refused the request. Carries the remote error type (minbus-rpc peers
 * send the Java class name of the exception, e.g. {@code java.lang.IllegalStateException}) and the
 * remote message.
 */
public class RemoteException extends RpcException {

    @Serial private static final long serialVersionUID = 1L;

    private final String command;
    private final String remoteType;
    private final String remoteMessage;

    /**
     * Creates the exception for a failed call.
     *
     * @param command the command that failed
     * @param remoteType the error type the peer named, or "" if it named none
     * @param remoteMessage the error text of the peer
     */
    public RemoteException(String command, String remoteType, String remoteMessage) {
        super("the peer failed command '" + command + "': "
                + (remoteType.isEmpty() ? "" : remoteType + ": ") + remoteMessage);
        this.command = command;
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
    }

    /** The command the call named. */
    public String command() {
        return command;
    }

    /**
     * The error type the peer named: for a minbus-rpc peer the class name of the exception its
     * handler threw, e.g. {@code java.lang.IllegalStateException}. Empty if the peer sent only text.
     */
    public Optional<String> remoteType() {
        return remoteType.isEmpty() ? Optional.empty() : Optional.of(remoteType);
    }

    /** The error text of the peer (its exception message); may be empty. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** Whether the peer named {@code type} as the error type, e.g. {@code UnknownCommandException.class}. */
    public boolean is(Class<? extends Throwable> type) {
        return remoteType.equals(type.getName());
    }
}
