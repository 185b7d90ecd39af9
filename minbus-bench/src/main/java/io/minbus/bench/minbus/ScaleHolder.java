package io.minbus.bench.minbus;

import io.minbus.client.MinBus;
import io.minbus.transport.BusAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Holds many registered plugins for the scale scenario: COUNT {@link MinBus} connections, each
 * registered as {@code PREFIX-i}, opened by 16 threads at once. Prints {@code ready ELAPSED_NS} once
 * all are registered (the time from the first connect to the last registration), then holds them
 * until stdin ends.
 *
 * <p>Usage: {@code ScaleHolder BUS_SOCKET PREFIX COUNT}
 */
public final class ScaleHolder {

    private ScaleHolder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ScaleHolder BUS_SOCKET PREFIX COUNT");
            System.exit(2);
        }
        BusAddress address = new BusAddress.Unix(Path.of(args[0]));
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        List<MinBus> held = new ArrayList<>(count);
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<MinBus>> f = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = prefix + "-" + i;
                f.add(pool.submit(() -> {
                    MinBus bus = MinBus.connect(address);
                    bus.register(name, 1);
                    return bus;
                }));
            }
            for (Future<MinBus> x : f) {
                held.add(x.get());
            }
        }
        System.out.println("ready " + (System.nanoTime() - t0));
        System.out.flush();
        while (System.in.read() >= 0) {
            // the driver sends nothing; EOF means it is gone
        }
        held.forEach(MinBus::close);
        System.exit(0);
    }
}
