package io.minbus.bench.minbus;

import io.minbus.bench.harness.DriverCommand;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.harness.Workload;
import io.minbus.bench.peers.DriverLoop;
import io.minbus.client.MinBus;
import io.minbus.rpc.BusRpc;
import io.minbus.transport.BusAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Driver of the RPC scenario: a typed proxy of {@link BenchEcho} from {@link BusRpc#proxy} (one
 * session, one relayed channel to {@code rpc-echo}); {@code rtt N 64} makes N calls in flight: the
 * main thread for one, N virtual threads calling the one proxy for more (its calls are blocking; the
 * session multiplexes them), each call a 64-byte body answered with the same bytes.
 *
 * <p>Usage: {@code RpcDriver BUS_SOCKET}
 */
public final class RpcDriver {

    private RpcDriver() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RpcDriver BUS_SOCKET");
            System.exit(2);
        }
        MinBus bus = MinBus.connect(new BusAddress.Unix(Path.of(args[0])));
        bus.plugins(); // registers as a nameless client at once (class loading can outlast registration_timeout on a busy machine)
        BenchEcho echo = BusRpc.proxy(bus, "rpc-echo", BenchEcho.class);
        DriverLoop.run(c -> run(echo, c));
        bus.close();
    }

    private static RoundResult run(BenchEcho echo, DriverCommand c) throws Exception {
        if (c.workload() != Workload.ROUND_TRIP) {
            throw new IllegalArgumentException("unsupported workload " + c.workload());
        }
        List<Exchanges.Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < c.concurrency(); i++) {
            byte[] body = new byte[c.size()];
            exchanges.add(() -> echo.echo(body).length);
        }
        return Exchanges.run(exchanges, c.size(), DriverLoop.Deadlines.of(c), false);
    }
}
