/**
 * minbus's own scenarios for the comparison harness, run with the public API (bus, SDK, RPC, host)
 * as separate processes like the anchors: {@link io.minbus.bench.minbus.MinbusScenarios} lists them;
 * docs/benchmarks.md ("The minbus scenarios") says what each measures.
 */
package io.minbus.bench.minbus;
