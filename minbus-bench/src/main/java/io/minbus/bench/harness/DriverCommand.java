package io.minbus.bench.harness;

import java.util.Locale;

/**
 * One line of the driver protocol, harness to driver:
 * {@code <kind> <concurrency> <size> <warmup_ms> <duration_ms>} (kind: {@link Workload#keyword()});
 * {@code quit} ends the driver. The driver answers with one line: a {@link RoundResult} or
 * {@code error <message>}. Servers and relays print {@code ready} once they accept connections.
 * The C drivers implement the same protocol in {@code src/main/c/bench_common.h}.
 */
public record DriverCommand(Workload workload, int concurrency, int size, long warmupMillis, long durationMillis) {

    public static final String QUIT = "quit";
    public static final String READY = "ready";

    public String format() {
        return workload.keyword() + " " + concurrency + " " + size + " " + warmupMillis + " " + durationMillis;
    }

    /** Parses a command line; throws IllegalArgumentException naming what is wrong. */
    public static DriverCommand parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("expected '<kind> <concurrency> <size> <warmup_ms> <duration_ms>', got: " + line);
        }
        Workload w = null;
        for (Workload candidate : Workload.values()) {
            if (candidate.keyword().equals(f[0].toLowerCase(Locale.ROOT))) {
                w = candidate;
            }
        }
        if (w == null) {
            throw new IllegalArgumentException("unknown workload " + f[0]);
        }
        return new DriverCommand(w, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
    }
}
