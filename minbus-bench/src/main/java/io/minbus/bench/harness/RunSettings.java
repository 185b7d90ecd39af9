package io.minbus.bench.harness;

import java.time.Duration;
import java.util.List;

/**
 * How a run is done.
 *
 * @param quick        the short mode of {@code bench/run.sh --quick}
 * @param warmupRounds rounds run first and discarded
 * @param rounds       measured rounds
 * @param warmupTime   traffic before measuring within each probe run
 * @param duration     measured time of each probe run
 * @param warmupRoundDuration time of each probe run in the discarded warm-up round(s): long enough
 *                     for the JIT of big Java stacks (gRPC + Netty) to settle
 * @param channels     the concurrency sweep (channels or calls in flight) of the chart
 * @param pinned       whether to run the pinned variants too ({@link Placement#ONE_CPU}, {@link Placement#SPLIT})
 * @param busyThreshold share of the machine's CPU (0..1) other processes may use during a measured
 *                     run before the run is repeated
 * @param busyRepeats  how often a run is repeated at most because the machine was busy (best kept)
 * @param waitQuiet    before each round, wait up to this long for other processes to calm down
 * @param scalePlugins plugins registered on one bus in the scale scenario (minbus/scale)
 */
public record RunSettings(boolean quick, int warmupRounds, int rounds, Duration warmupTime, Duration duration,
                          Duration warmupRoundDuration, List<Integer> channels, boolean pinned, double busyThreshold, int busyRepeats,
                          Duration waitQuiet, int scalePlugins) {

    /** The scale scenario's size of the issue: 10,000 plugins on one bus. */
    public static final int SCALE_PLUGINS = 10_000;

    public static RunSettings full() {
        return new RunSettings(false, 1, 5, Duration.ofMillis(200), Duration.ofMillis(1000), Duration.ofMillis(2500),
                List.of(1, 10, 100, 1000), true, 0.15, 2, Duration.ofSeconds(60), SCALE_PLUGINS);
    }

    public static RunSettings quickRun() {
        return new RunSettings(true, 1, 2, Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(300),
                List.of(1, 10, 100, 1000), true, 0.15, 0, Duration.ZERO, SCALE_PLUGINS);
    }
}
