package io.minbus.bench.minbus;

import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import io.minbus.bench.harness.Workload;
import java.util.List;

/**
 * TODO(lead): one-way 64-byte messages (bpmux messages / Notify) through the bus, no reply: the
 * receiver counts, the driver reports messages per second (workload {@code oneway}).
 */
public final class MinbusOneWayRate extends PendingScenario {

    public MinbusOneWayRate(Placement placement) {
        super("minbus/oneway", "A→bus→B, messages", placement, null,
                List.of(new Probe(Workload.ONE_WAY, 1, 64, "64 B one-way message rate", Probe.DEFAULT_DRIVER)));
    }

    @Override
    String todo() {
        return "one-way 64 B message rate (needs minbus-server and minbus-client)";
    }
}
