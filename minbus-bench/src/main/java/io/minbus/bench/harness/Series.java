package io.minbus.bench.harness;

import java.util.ArrayList;
import java.util.List;

/** All rounds of one probe of one scenario. */
public final class Series {

    private final Scenario scenario;
    private final Probe probe;
    private final List<RoundResult> rounds = new ArrayList<>(); // null where the round failed
    private final List<String> failures = new ArrayList<>();
    private final List<Double> background = new ArrayList<>(); // per measured run, 0..1 of the machine
    private int repeats;

    Series(Scenario scenario, Probe probe) {
        this.scenario = scenario;
        this.probe = probe;
    }

    public Scenario scenario() {
        return scenario;
    }

    public Probe probe() {
        return probe;
    }

    void add(RoundResult r, double backgroundShare, int repeated) {
        rounds.add(r);
        background.add(backgroundShare);
        repeats += repeated;
    }

    void fail(String message) {
        rounds.add(null);
        background.add(Double.NaN);
        failures.add(message);
    }

    /** Share of the machine's CPU that other processes used during each measured run (0..1). */
    public double[] background() {
        return background.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Runs repeated because the machine was busy with other work while they ran. */
    public int repeats() {
        return repeats;
    }

    public List<String> failures() {
        return failures;
    }

    public int roundCount() {
        return rounds.size();
    }

    public RoundResult round(int i) {
        return rounds.get(i);
    }

    /** Per-round value of a percentile in microseconds (NaN for failed rounds or no latency). */
    public double[] percentileMicros(double p) {
        return perRound(r -> r.histogram().count() == 0 ? Double.NaN : r.histogram().percentile(p) / 1000.0);
    }

    /** {@link #percentileMicros} at the median. */
    public double[] percentileMicros50() {
        return percentileMicros(50);
    }

    /** Per-round value of an extra figure (NaN where a round failed or did not report it). */
    public double[] extra(String name) {
        return perRound(r -> r.extras().getOrDefault(name, Double.NaN));
    }

    /** Names of the extra figures any round reported, in first-seen order. */
    public java.util.Set<String> extraNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (RoundResult r : rounds) {
            if (r != null) {
                names.addAll(r.extras().keySet());
            }
        }
        return names;
    }

    public double[] opsPerSecond() {
        return perRound(RoundResult::opsPerSecond);
    }

    public double[] bytesPerSecond() {
        return perRound(RoundResult::bytesPerSecond);
    }

    public Spread p50() {
        return Spread.of(percentileMicros(50));
    }

    public Spread p99() {
        return Spread.of(percentileMicros(99));
    }

    public Spread rate() {
        return Spread.of(opsPerSecond());
    }

    public Spread byteRate() {
        return Spread.of(bytesPerSecond());
    }

    /** Round-by-round ratio of this series to another (same rounds only), as a spread. */
    public static Spread ratio(double[] mine, double[] theirs) {
        int n = Math.min(mine.length, theirs.length);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = mine[i] / theirs[i];
            if (Double.isInfinite(r[i])) {
                r[i] = Double.NaN;
            }
        }
        return Spread.of(r);
    }

    private double[] perRound(java.util.function.ToDoubleFunction<RoundResult> f) {
        double[] out = new double[rounds.size()];
        for (int i = 0; i < out.length; i++) {
            RoundResult r = rounds.get(i);
            out[i] = r == null ? Double.NaN : f.applyAsDouble(r);
        }
        return out;
    }
}
