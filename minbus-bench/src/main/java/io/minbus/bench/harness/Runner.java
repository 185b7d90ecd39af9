package io.minbus.bench.harness;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sets every scenario up, runs all probes round by round with the scenario order rotated each
 * round (so no system always runs first, or right after the same neighbour), then tears down.
 */
public final class Runner {

    private final BenchContext context;
    private final RunSettings settings;
    private final PrintStream progress;

    public Runner(BenchContext context, RunSettings settings, PrintStream progress) {
        this.context = context;
        this.settings = settings;
        this.progress = progress;
    }

    public Results run(List<Scenario> scenarios) {
        Results results = new Results(settings);
        List<Scenario> ready = new ArrayList<>();
        try {
            for (Scenario s : scenarios) {
                if (setup(s, results)) {
                    ready.add(s);
                    for (Probe p : s.probes()) {
                        results.series(s, p); // report order = catalog order
                    }
                }
            }
            int total = settings.warmupRounds() + settings.rounds();
            for (int round = 0; round < total && !ready.isEmpty(); round++) {
                boolean warmup = round < settings.warmupRounds();
                RoundSpec spec = new RoundSpec(round, warmup, settings.warmupTime(),
                        warmup ? settings.warmupRoundDuration() : settings.duration());
                awaitQuiet();
                long t0 = System.nanoTime();
                int n = ready.size();
                for (int k = 0; k < n; k++) {
                    Scenario s = ready.get((k + round) % n);
                    for (Probe p : s.probes()) {
                        runOne(s, p, spec, results);
                    }
                }
                progress.printf(Locale.ROOT, "bench: round %d/%d%s done in %.1f s%n", round + 1, total,
                        warmup ? " (warm-up, discarded)" : "", (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            for (Scenario s : ready) {
                s.teardown();
            }
        }
        return results;
    }

    private boolean setup(Scenario s, Results results) {
        long t0 = System.nanoTime();
        try {
            s.setup(context);
            progress.printf(Locale.ROOT, "bench: set up %s in %.1f s%n", s.id(), (System.nanoTime() - t0) / 1e9);
            return true;
        } catch (ScenarioUnavailable e) {
            progress.println("bench: not measured: " + s.id() + ": " + e.getMessage());
            results.unavailable(s, e.getMessage());
        } catch (Exception e) {
            progress.println("bench: setup of " + s.id() + " failed: " + e);
            results.unavailable(s, "setup failed: " + firstLine(e));
        }
        s.teardown();
        return false;
    }

    private void runOne(Scenario s, Probe p, RoundSpec spec, Results results) {
        try {
            RoundResult best = null;
            double bestBackground = Double.NaN;
            int runs = 0;
            // a run during which other processes took much of the machine is repeated (measured rounds only)
            do {
                CpuMeter.Sample before = CpuMeter.sample();
                RoundResult r = s.run(p, spec);
                double background = CpuMeter.background(before, CpuMeter.sample());
                runs++;
                if (best == null || background < bestBackground) {
                    best = r;
                    bestBackground = background;
                }
            } while (!spec.warmup() && bestBackground > settings.busyThreshold() && runs <= settings.busyRepeats());
            if (!spec.warmup()) {
                results.series(s, p).add(best, bestBackground, runs - 1);
            }
            if (!settings.quick() || spec.round() == 0) {
                progress.printf(Locale.ROOT, "  %-34s %-42s %s%s%n", s.id(), p.label(), describe(p, best),
                        Double.isNaN(bestBackground) || bestBackground < 0.05 ? ""
                                : String.format(Locale.ROOT, "  (others used %.0f%% of the CPUs%s)", bestBackground * 100,
                                        runs > 1 ? ", best of " + runs + " runs" : ""));
            }
        } catch (Exception e) {
            if (!spec.warmup()) {
                results.series(s, p).fail(firstLine(e));
            }
            progress.printf(Locale.ROOT, "  %-34s %-42s FAILED: %s%n", s.id(), p.label(), e.getMessage());
        }
    }

    /** Waits (up to the configured time) until other processes leave the machine mostly idle. */
    private void awaitQuiet() {
        if (settings.waitQuiet().isZero()) {
            return;
        }
        long deadline = System.nanoTime() + settings.waitQuiet().toNanos();
        boolean said = false;
        for (;;) {
            CpuMeter.Sample a = CpuMeter.sample();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            double bg = CpuMeter.background(a, CpuMeter.sample());
            if (Double.isNaN(bg) || bg <= settings.busyThreshold() / 2) {
                return;
            }
            if (System.nanoTime() > deadline) {
                progress.printf(Locale.ROOT, "bench: other processes still use %.0f%% of the CPUs; going on%n", bg * 100);
                return;
            }
            if (!said) {
                progress.printf(Locale.ROOT, "bench: other processes use %.0f%% of the CPUs; waiting up to %d s for quiet%n",
                        bg * 100, settings.waitQuiet().toSeconds());
                said = true;
            }
        }
    }

    private static String describe(Probe p, RoundResult r) {
        StringBuilder extras = new StringBuilder();
        r.extras().forEach((k, v) -> extras.append("  ").append(k).append(' ').append(Format.figure(k, v)));
        return describeTimes(p, r) + extras;
    }

    private static String describeTimes(Probe p, RoundResult r) {
        String rate = String.format(Locale.ROOT, "%,.0f/s", r.opsPerSecond());
        if (p.workload().hasLatency() && r.histogram().count() > 0) {
            return String.format(Locale.ROOT, "p50 %.1f us  p99 %.1f us  %s", r.histogram().percentile(50) / 1000,
                    r.histogram().percentile(99) / 1000, rate);
        }
        return String.format(Locale.ROOT, "%s  %.2f GB/s", rate, r.bytesPerSecond() / 1e9);
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
