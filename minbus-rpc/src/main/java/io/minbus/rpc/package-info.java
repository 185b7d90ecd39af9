/**
 * Call/Notify over a minbus channel, and typed Java interfaces on top of it.
 *
 * <p>The untyped layer ({@link io.minbus.rpc.RpcEndpoint#call}, {@link
 * io.minbus.rpc.RpcEndpoint#notify(String, byte[])}, {@link io.minbus.rpc.RpcHandler}) follows the
 * pipe-plugin library: one message per chunk, {@code threadID\0direction\0len(cmd)\0cmd body}. The
 * typed layer turns a Java interface into commands: one side serves an implementation ({@link
 * io.minbus.rpc.RpcConfig.Builder#serve}), the other gets a dynamic proxy ({@link
 * io.minbus.rpc.RpcEndpoint#proxy}). {@link io.minbus.rpc.RpcNode} dispenses named instances with
 * their own configuration. It all runs over the small {@link io.minbus.rpc.MessageChannel} SPI.
 * The wire format is specified in {@code docs/rpc.md}.
 */
package io.minbus.rpc;
