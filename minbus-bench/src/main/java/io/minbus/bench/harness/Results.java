package io.minbus.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything one run measured, plus the scenarios it could not measure and why. */
public final class Results {

    private final List<Series> series = new ArrayList<>();
    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();
    private final Map<Scenario, String> unavailable = new LinkedHashMap<>();
    private final RunSettings settings;

    public Results(RunSettings settings) {
        this.settings = settings;
    }

    public RunSettings settings() {
        return settings;
    }

    Series series(Scenario s, Probe p) {
        for (Series x : series) {
            if (x.scenario() == s && x.probe().equals(p)) {
                return x;
            }
        }
        Series x = new Series(s, p);
        series.add(x);
        scenarios.put(s.id(), s);
        return x;
    }

    void unavailable(Scenario s, String reason) {
        unavailable.put(s, reason);
    }

    public List<Series> all() {
        return series;
    }

    public Map<Scenario, String> unavailable() {
        return unavailable;
    }

    /** The limit series of a series: its scenario's limit, same placement, same probe key. */
    public Optional<Series> limitOf(Series s) {
        Optional<String> limit = s.scenario().limit();
        if (limit.isEmpty()) {
            return Optional.empty();
        }
        String id = limit.get() + s.scenario().placement().suffix();
        for (Series x : series) {
            if (x.scenario().id().equals(id) && x.probe().key().equals(s.probe().key())) {
                return Optional.of(x);
            }
        }
        return Optional.empty();
    }
}
