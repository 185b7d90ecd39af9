package io.minbus.bench.harness;

import io.minbus.bench.anchors.Anchors;
import io.minbus.bench.minbus.MinbusScenarios;
import java.util.ArrayList;
import java.util.List;

/** Every scenario of the comparison, in report order: minbus first, then the anchors. */
public final class Catalog {

    private Catalog() {
    }

    public static List<Scenario> all(RunSettings settings) {
        List<Scenario> out = new ArrayList<>(MinbusScenarios.all(settings));
        out.addAll(Anchors.all(settings));
        return out;
    }
}
