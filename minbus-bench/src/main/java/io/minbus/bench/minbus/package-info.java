/**
 * minbus's own scenarios for the comparison harness. Not measured yet: every class here is a TODO
 * stub whose {@code setup} reports "not yet measured" until the bus server and client SDK exist.
 * {@link io.minbus.bench.minbus.MinbusScenarios} lists them; docs/benchmarks.md says how to fill one in.
 */
package io.minbus.bench.minbus;
