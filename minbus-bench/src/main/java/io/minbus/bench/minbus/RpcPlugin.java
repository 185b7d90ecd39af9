package io.minbus.bench.minbus;

import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.rpc.BusRpc;
import io.minbus.rpc.RpcNode;
import io.minbus.transport.BusAddress;
import java.nio.file.Path;

/**
 * Plugin B of the RPC scenario: registers {@code rpc-echo} and serves {@link BenchEcho} (the body back)
 * with {@link BusRpc#serve}, the way a plugin serves a typed interface.
 *
 * <p>Usage: {@code RpcPlugin BUS_SOCKET}; prints {@code ready} once registered, exits when stdin ends.
 */
public final class RpcPlugin {

    private RpcPlugin() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: RpcPlugin BUS_SOCKET");
            System.exit(2);
        }
        MinBus bus = MinBus.connect(new BusAddress.Unix(Path.of(args[0])));
        Plugin plugin = bus.register("rpc-echo", 1);
        BenchEcho impl = body -> body;
        BusRpc.serve(plugin, RpcNode.builder().instance("", BenchEcho.class, request -> impl).build());
        MinbusPeers.readyAndWaitForStdinEnd();
        bus.close();
        System.exit(0);
    }
}
