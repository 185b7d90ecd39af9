package io.minbus.bench.harness;

import java.time.Duration;

/**
 * How long one probe runs in one round.
 *
 * @param round    0-based round number
 * @param warmup   true for the discarded first round(s)
 * @param warmupTime traffic before measuring starts, inside the same run (JIT, caches, connections)
 * @param duration measured time
 */
public record RoundSpec(int round, boolean warmup, Duration warmupTime, Duration duration) {

    /** The driver command for a probe in this round. */
    public DriverCommand command(Probe probe) {
        return new DriverCommand(probe.workload(), probe.concurrency(), probe.size(),
                warmupTime.toMillis(), duration.toMillis());
    }

    /** How long to wait for a driver's answer before declaring it stuck. */
    public Duration timeout() {
        return warmupTime.plus(duration).multipliedBy(3).plusSeconds(30);
    }
}
