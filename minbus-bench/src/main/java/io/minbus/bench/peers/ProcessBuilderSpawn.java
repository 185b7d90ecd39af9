package io.minbus.bench.peers;

import io.minbus.bench.harness.LatencyHistogram;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.harness.Workload;
import java.io.IOException;
import java.util.List;

/**
 * Start-up anchor from Java: times {@code ProcessBuilder.start()} of a program until
 * {@code waitFor()} returns, the way a Java host launches a plugin (the JDK uses posix_spawn through
 * jspawnhelper on Linux).
 *
 * <p>Usage: {@code ProcessBuilderSpawn PROGRAM [ARGS...]} (then the driver protocol: {@code spawn ...})
 */
public final class ProcessBuilderSpawn {

    private ProcessBuilderSpawn() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: ProcessBuilderSpawn PROGRAM [ARGS...]");
            System.exit(2);
        }
        ProcessBuilder pb = new ProcessBuilder(List.of(args))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        LatencyHistogram hist = new LatencyHistogram();
        DriverLoop.run(c -> {
            if (c.workload() != Workload.SPAWN) {
                throw new IllegalArgumentException("unsupported workload " + c.workload());
            }
            hist.reset();
            DriverLoop.Deadlines d = DriverLoop.Deadlines.of(c);
            while (System.nanoTime() < d.warmEnd()) {
                spawn(pb);
            }
            long t0 = System.nanoTime();
            long count = 0;
            do {
                hist.record(spawn(pb));
                count++;
            } while (System.nanoTime() < t0 + c.durationMillis() * 1_000_000 || count < 3);
            return new RoundResult(count, System.nanoTime() - t0, 0, hist);
        });
    }

    private static long spawn(ProcessBuilder pb) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        int status = pb.start().waitFor();
        long t = System.nanoTime() - t0;
        if (status != 0) {
            throw new IOException(pb.command() + " exited with status " + status);
        }
        return t;
    }
}
