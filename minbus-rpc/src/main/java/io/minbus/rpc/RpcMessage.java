package io.minbus.rpc;

/**
 * An incoming command as a {@link RpcHandler} sees it.
 *
 * @param cmd the command, e.g. {@code "put"}
 * @param body the body bytes (the handler may keep them)
 * @param oneWay whether it is a one-way message (no response is sent)
 * @param endpoint the endpoint it arrived on, for calls back to the peer
 */
public record RpcMessage(String cmd, byte[] body, boolean oneWay, RpcEndpoint endpoint) {}
