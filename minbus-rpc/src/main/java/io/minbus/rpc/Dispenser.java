package io.minbus.rpc;

/**
 * Makes the endpoint configuration for one instance when a peer opens a channel asking for it
 * (go-plugin's dispenser): one plugin process serves several independent instances, each with its
 * own configuration, chosen by {@code cmd.open} (docs/rpc.md §4).
 */
@FunctionalInterface
public interface Dispenser {

    /**
     * Creates the instance the request names.
     *
     * @param request the instance name, the codec and the configuration the peer sent
     * @return what the new endpoint serves
     * @throws Exception to refuse: the peer's {@link RpcNode#connect} fails with a {@link
     *     RemoteException} carrying the exception's class name and message
     */
    RpcConfig dispense(InstanceRequest request) throws Exception;
}
