package io.minbus.bench.minbus;

import io.minbus.bench.harness.BenchContext;
import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.harness.RoundSpec;
import io.minbus.bench.harness.Scenario;
import io.minbus.bench.harness.ScenarioUnavailable;
import java.util.List;
import java.util.Optional;

/**
 * Base of the minbus scenario stubs: name, topology, probes and limit are final; {@link #setup}
 * reports "not yet measured". Replace a stub by a {@link io.minbus.bench.harness.ProcessScenario}
 * (or a direct {@link Scenario} implementation) in {@link MinbusScenarios} once minbus can run it.
 */
abstract class PendingScenario implements Scenario {

    private final String name;
    private final String topology;
    private final Placement placement;
    private final Optional<String> limit;
    private final List<Probe> probes;

    PendingScenario(String name, String topology, Placement placement, String limit, List<Probe> probes) {
        this.name = name;
        this.topology = topology;
        this.placement = placement;
        this.limit = Optional.ofNullable(limit);
        this.probes = List.copyOf(probes);
    }

    /** What is still to be done, as the report shows it. */
    abstract String todo();

    @Override
    public String name() {
        return name;
    }

    @Override
    public String system() {
        return "minbus";
    }

    @Override
    public String topology() {
        return topology;
    }

    @Override
    public Placement placement() {
        return placement;
    }

    @Override
    public Optional<String> limit() {
        return limit;
    }

    @Override
    public List<Probe> probes() {
        return probes;
    }

    @Override
    public void setup(BenchContext context) {
        throw new ScenarioUnavailable("not yet measured: " + todo());
    }

    @Override
    public RoundResult run(Probe probe, RoundSpec round) {
        throw new IllegalStateException(name + " is not implemented yet");
    }

    @Override
    public void teardown() {
        // nothing was started
    }
}
