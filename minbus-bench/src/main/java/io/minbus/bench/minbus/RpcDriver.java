package io.minbus.bench.minbus;

import io.minbus.bench.harness.DriverCommand;
import io.minbus.bench.harness.LatencyHistogram;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
        DriverLoop.Deadlines d = DriverLoop.Deadlines.of(c);
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i < c.concurrency(); i++) {
            callers.add(new Caller(echo, c.size(), d));
        }
        if (c.concurrency() == 1) {
            callers.get(0).call();
        } else {
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Object>> f = new ArrayList<>();
                for (Caller x : callers) {
                    f.add(threads.submit(x::call));
                }
                for (Future<Object> x : f) {
                    x.get();
                }
            }
        }
        LatencyHistogram all = new LatencyHistogram();
        long count = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (Caller x : callers) {
            all.add(x.hist);
            count += x.count;
            if (x.count > 0) {
                first = Math.min(first, x.first);
                last = Math.max(last, x.last);
            }
        }
        return new RoundResult(count, count == 0 ? 0 : last - first, count * 2 * c.size(), all);
    }

    /** One caller: one call in flight at a time. */
    private static final class Caller {
        final BenchEcho echo;
        final byte[] body;
        final DriverLoop.Deadlines d;
        final LatencyHistogram hist = new LatencyHistogram();
        long count;
        long first;
        long last;

        Caller(BenchEcho echo, int size, DriverLoop.Deadlines d) {
            this.echo = echo;
            this.body = new byte[size];
            this.d = d;
        }

        Object call() throws IOException {
            for (;;) {
                long t0 = System.nanoTime();
                if (t0 >= d.end()) {
                    return null;
                }
                byte[] answer = echo.echo(body);
                long t1 = System.nanoTime();
                if (answer.length != body.length) {
                    throw new IOException("echo answered " + answer.length + " bytes to " + body.length);
                }
                if (t0 >= d.warmEnd()) {
                    if (count == 0) {
                        first = t0;
                    }
                    hist.record(t1 - t0);
                    count++;
                    last = t1;
                }
            }
        }
    }
}
