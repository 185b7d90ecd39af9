package io.minbus.bench.minbus;

import io.minbus.bench.harness.LatencyHistogram;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.peers.DriverLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Timed round trips for the drivers of {@code minbus/relay} and {@code minbus/rpc}: each lane keeps
 * one exchange in flight until the deadline; exchanges started after the warm-up are timed. One lane
 * runs on the calling thread, several on a thread each (virtual unless asked for platform threads).
 */
final class Exchanges {

    /** One exchange of {@code size} bytes each way; returns how many bytes came back. */
    @FunctionalInterface
    interface Exchange {
        int exchange() throws IOException;
    }

    private Exchanges() {
    }

    static RoundResult run(List<Exchange> exchanges, int size, DriverLoop.Deadlines d, boolean platformThreads)
            throws Exception {
        List<Lane> lanes = new ArrayList<>();
        for (Exchange x : exchanges) {
            lanes.add(new Lane(x, size, d));
        }
        if (lanes.size() == 1) {
            lanes.get(0).run();
        } else {
            try (ExecutorService threads = platformThreads
                    ? Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())
                    : Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> f = new ArrayList<>();
                for (Lane l : lanes) {
                    f.add(threads.submit(() -> {
                        l.run();
                        return null;
                    }));
                }
                for (Future<?> x : f) {
                    x.get();
                }
            }
        }
        LatencyHistogram all = new LatencyHistogram();
        long count = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (Lane l : lanes) {
            all.add(l.hist);
            count += l.count;
            if (l.count > 0) {
                first = Math.min(first, l.first);
                last = Math.max(last, l.last);
            }
        }
        return new RoundResult(count, count == 0 ? 0 : last - first, count * 2 * size, all);
    }

    private static final class Lane {
        final Exchange x;
        final int size;
        final DriverLoop.Deadlines d;
        final LatencyHistogram hist = new LatencyHistogram();
        long count;
        long first;
        long last;

        Lane(Exchange x, int size, DriverLoop.Deadlines d) {
            this.x = x;
            this.size = size;
            this.d = d;
        }

        void run() throws IOException {
            for (;;) {
                long t0 = System.nanoTime();
                if (t0 >= d.end()) {
                    return;
                }
                int back = x.exchange();
                long t1 = System.nanoTime();
                if (back != size) {
                    throw new IOException("the echo answered " + back + " bytes to " + size);
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
