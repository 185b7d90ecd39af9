package io.minbus.bench.minbus;

/**
 * The typed interface of the RPC scenario: one command whose only parameter is {@code byte[]}, so
 * minbus-rpc sends the bytes as the body untouched (docs/rpc.md §6), like the anchors' {@code byte[]}
 * marshaller for gRPC and {@code ay} for D-Bus.
 */
public interface BenchEcho {

    byte[] echo(byte[] body);
}
