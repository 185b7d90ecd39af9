package io.minbus.bench.minbus;

import io.minbus.bench.anchors.Anchors;
import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import java.util.List;

/**
 * TODO(lead): plugin launch by the host until the plugin has registered on the bus, for a C (or
 * other native) plugin and for a Java plugin; compared with the start-up anchors (trivial C
 * binary; JVM with an empty main).
 */
public final class MinbusPluginStartup extends PendingScenario {

    public MinbusPluginStartup(Placement placement) {
        super(MinbusScenarios.STARTUP, "host launches plugin → registered", placement, Anchors.START_TRIVIAL,
                List.of(Probe.spawn("launch → registered")));
    }

    @Override
    String todo() {
        return "plugin launch until registered (needs minbus-host)";
    }
}
