package io.minbus.bench.minbus;

import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import io.minbus.bench.harness.RunSettings;
import io.minbus.bench.harness.Scenario;
import java.util.List;
import java.util.TreeSet;

/** minbus's scenarios, in report order. All are stubs until the bus exists (see the package doc). */
public final class MinbusScenarios {

    private MinbusScenarios() {
    }

    public static List<Scenario> all(RunSettings settings) {
        TreeSet<Integer> channels = new TreeSet<>(settings.channels());
        channels.add(64);
        List<Probe> roundTrips = channels.stream().map(n -> Probe.roundTrip(64, n)).toList();
        return List.of(
                new MinbusRelayedRoundTrip(roundTrips, Placement.ANY),
                new MinbusBulk(Placement.ANY),
                new MinbusOneWayRate(Placement.ANY),
                new MinbusRpcRate(Placement.ANY),
                new MinbusRegistryScale(Placement.ANY),
                new MinbusPluginStartup(Placement.ANY));
    }
}
