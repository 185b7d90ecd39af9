package io.minbus.bench.harness;

import io.minbus.bench.anchors.Anchors;
import io.minbus.bench.minbus.MinbusScenarios;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets for minbus, each checked against figures of the same run (ratios round by
 * round, then the median), unpinned placement. A target whose figures are missing says so.
 */
final class Targets {

    private static final String DBUS_BROKER = "dbus-broker/broker";
    private static final String GRPC = "grpc/direct";

    private final Results results;
    private final List<String> rows = new ArrayList<>();

    private Targets(Results results) {
        this.results = results;
    }

    static String render(Results results) {
        Targets t = new Targets(results);
        t.check();
        if (t.rows.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("### minbus against its targets\n\n");
        out.append("Each target of issue 7, from this run (unpinned; ratios per round, then the median). "
                + "\"missed\" says by how much. The round trips and bulk are checked twice: with plugin B's handler where the SDK puts it by "
                + "default (the first handlers of a process on a pooled platform thread) and on a virtual thread "
                + "(`MinBus.Builder.platformHandlers(0)`).\n\n");
        out.append("| target | measured | verdict |\n|---|--:|---|\n");
        t.rows.forEach(r -> out.append(r).append('\n'));
        return out.append('\n').toString();
    }

    private void check() {
        String rtt1 = "rtt/1/64";
        String rtt64 = "rtt/64/64";
        ratio("relayed 64 B round trip p50 ≤ 1.3× the C relay's", MinbusScenarios.RELAY, Anchors.C_RELAY, rtt1, rtt1, true, 1.3, false);
        ratio("direct connection round trip ≤ 1.2× raw A↔B (the C direct limit's p50)", MinbusScenarios.DIRECT, Anchors.C_DIRECT,
                rtt1, rtt1, true, 1.2, false);
        ratio("relayed 64 B round trip ≥ 1.5× faster than dbus-broker (its p50 ÷ ours)", DBUS_BROKER, MinbusScenarios.RELAY, rtt1, rtt1,
                true, 1.5, true);
        String onVirtual = ", B's handler on a virtual thread";
        ratio("relayed 64 B round trip p50 ≤ 1.3× the C relay's" + onVirtual, MinbusScenarios.RELAY_VIRTUAL, Anchors.C_RELAY,
                rtt1, rtt1, true, 1.3, false);
        ratio("direct connection round trip ≤ 1.2× raw A↔B" + onVirtual, MinbusScenarios.DIRECT_VIRTUAL, Anchors.C_DIRECT,
                rtt1, rtt1, true, 1.2, false);
        ratio("relayed 64 B round trip ≥ 1.5× faster than dbus-broker" + onVirtual, DBUS_BROKER, MinbusScenarios.RELAY_VIRTUAL,
                rtt1, rtt1, true, 1.5, true);
        ratio("relayed 64 KiB bulk ≥ 0.8× the C relay's throughput", MinbusScenarios.BULK, Anchors.C_RELAY, "bulk/1/65536",
                "bulk/1/65536", false, 0.8, true);
        ratio("relayed 64 KiB bulk ≥ 0.8× the C relay's throughput" + onVirtual, MinbusScenarios.BULK_VIRTUAL, Anchors.C_RELAY,
                "bulk/1/65536", "bulk/1/65536", false, 0.8, true);
        find(MinbusScenarios.BULK, "bulk/1/65536").ifPresent(s -> {
            double max = Spread.of(s.extra("relay_direction_buffered_max")).max();
            // the cap starts at relay_buffer and may grow to relay_buffer_max (docs/minbus.md §9.2)
            double grown = Spread.of(s.extra("relay_buffer_max")).median();
            double cap = Double.isNaN(grown) ? Spread.of(s.extra("relay_buffer")).median() : grown;
            if (!Double.isNaN(max) && !Double.isNaN(cap)) {
                row("server's buffered bytes per relay direction ≤ its cap (relay_buffer, grown at most to relay_buffer_max)",
                        Format.figure("buffer", max) + " of " + Format.figure("buffer", cap),
                        max <= cap ? "met" : "missed: " + ratioText(max / cap) + " the cap");
            }
        });
        find(MinbusScenarios.ONE_WAY, "oneway/1/64").ifPresentOrElse(s -> {
            double rate = s.rate().median();
            row("one-way 64 B messages ≥ 2 M msgs/s", Format.count(rate) + "/s",
                    rate >= 2e6 ? "met" : "missed: " + ratioText(rate / 2e6) + " the target");
        }, () -> missing("one-way 64 B messages ≥ 2 M msgs/s"));
        ratio("RPC, 64 calls in flight ≥ 5× gRPC-java's unary call rate", MinbusScenarios.RPC, GRPC, rtt64, rtt64, false, 5, true);
        ratio("RPC, 64 calls in flight ≥ 2× dbus-broker's call rate", MinbusScenarios.RPC, DBUS_BROKER, rtt64, rtt64, false, 2, true);
        for (Series s : results.all()) {
            if (s.scenario().name().equals(MinbusScenarios.SCALE)) {
                int n = s.probe().concurrency();
                double rss = Spread.of(s.extra("server_rss")).max();
                row(String.format(Locale.ROOT, "%,d registered plugins within 512 MiB server RSS", n), Format.figure("rss", rss),
                        Double.isNaN(rss) ? "not measured" : rss <= 512.0 * 1024 * 1024 ? "met" + (n < 10_000 ? " (at " + n + " plugins only)" : "")
                                : "missed: " + ratioText(rss / (512.0 * 1024 * 1024)) + " the limit");
                double p99 = s.p99().median();
                row("announcement p99 ≤ 100 ms (100 watchers)", Format.micros(p99),
                        Double.isNaN(p99) ? "not measured" : p99 <= 100_000 ? "met" : "missed: " + ratioText(p99 / 100_000) + " the limit");
            }
        }
        Optional<Series> trivial = find(Anchors.START_TRIVIAL, "spawn/1/0");
        for (Series s : results.all()) {
            String name = s.scenario().name();
            if (!name.startsWith("minbus/startup-")) {
                continue;
            }
            double p50 = s.p50().median();
            if (name.equals("minbus/startup-python") || name.equals("minbus/startup-c")) { // the non-JVM plugins
                if (trivial.isEmpty()) {
                    missing("non-JVM plugin launch → first call ≤ bare process start + 10 ms");
                    continue;
                }
                Spread diff = Spread.of(difference(s.percentileMicros(50), trivial.get().percentileMicros(50)));
                row("non-JVM plugin (" + s.scenario().system() + ") launch → first call ≤ bare process start + 10 ms",
                        "+" + Format.micros(diff.median()), diff.median() <= 10_000 ? "met" : "missed by " + Format.micros(diff.median() - 10_000));
            } else {
                row("Java plugin (" + s.scenario().system() + ") launch → first call ≤ 100 ms", Format.micros(p50),
                        p50 <= 100_000 ? "met" : "missed: " + ratioText(p50 / 100_000) + " the limit");
            }
        }
    }

    /**
     * A ratio target: {@code mine} ÷ {@code theirs} (p50 when {@code latency}, else the rate), per
     * round; met when at least {@code bound} ({@code atLeast}) or at most {@code bound}.
     */
    private void ratio(String target, String mine, String theirs, String myKey, String theirKey, boolean latency, double bound,
                       boolean atLeast) {
        Optional<Series> a = find(mine, myKey);
        Optional<Series> b = find(theirs, theirKey);
        if (a.isEmpty() || b.isEmpty()) {
            missing(target);
            return;
        }
        Spread r = latency ? Series.ratio(a.get().percentileMicros(50), b.get().percentileMicros(50))
                : Series.ratio(a.get().opsPerSecond(), b.get().opsPerSecond());
        if (r.isEmpty()) {
            missing(target);
            return;
        }
        boolean met = atLeast ? r.median() >= bound : r.median() <= bound;
        row(target, Format.ratio(r) + Format.noise(r), met ? "met" : "missed: " + ratioText(r.median() / bound) + " the target");
    }

    private static double[] difference(double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static String ratioText(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.0f×" : "%.2f×", r);
    }

    private Optional<Series> find(String scenario, String key) {
        for (Series x : results.all()) {
            if (x.scenario().id().equals(scenario + Placement.ANY.suffix()) && x.probe().key().equals(key)) {
                return Optional.of(x);
            }
        }
        return Optional.empty();
    }

    private void missing(String target) {
        boolean anyMinbus = results.all().stream().anyMatch(s -> s.scenario().name().startsWith("minbus/"));
        if (anyMinbus) {
            row(target, Format.NONE, "not measured in this run");
        }
    }

    private void row(String target, String measured, String verdict) {
        rows.add("| " + target + " | " + measured + " | " + verdict + " |");
    }
}
