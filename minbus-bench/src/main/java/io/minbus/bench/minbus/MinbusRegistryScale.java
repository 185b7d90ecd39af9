package io.minbus.bench.minbus;

import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import io.minbus.bench.harness.Workload;
import java.util.List;

/**
 * TODO(lead): 10,000 registered plugins on one server (few processes, many bus connections each):
 * time to register them all, time of a connection query (list), server RSS and thread count;
 * then the relayed round trip with them registered. Workload {@code register 10000 ...}.
 */
public final class MinbusRegistryScale extends PendingScenario {

    public MinbusRegistryScale(Placement placement) {
        super(MinbusScenarios.SCALE, "10,000 plugins on one bus", placement, null,
                List.of(new Probe(Workload.REGISTER, 10_000, 0, "register 10,000 plugins", Probe.DEFAULT_DRIVER)));
    }

    @Override
    String todo() {
        return "10,000 registered plugins: registration time, list time, memory (needs minbus-server)";
    }
}
