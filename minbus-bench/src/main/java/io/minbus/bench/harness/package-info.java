/**
 * The comparison harness behind {@code bench/run.sh} and {@code docs/benchmarks.md}.
 *
 * <p>{@link io.minbus.bench.harness.BenchMain} sets up every {@link io.minbus.bench.harness.Scenario}
 * (each a small set of child processes: servers, relays, brokers and one driver), then runs all
 * their {@link io.minbus.bench.harness.Probe probes} round by round, interleaved, so that the drift
 * of a small shared machine hits every system alike; only ratios taken in the same run are
 * reported. Drivers, C or Java, speak the line protocol of {@link io.minbus.bench.harness.DriverCommand}
 * and answer with a {@link io.minbus.bench.harness.RoundResult}.
 */
package io.minbus.bench.harness;
