package io.minbus.bench.harness;

/**
 * Thrown by {@link Scenario#setup} when a scenario cannot run here (a package is missing, or the
 * system under test is not built yet); the report lists it as "not measured" with this message.
 */
public final class ScenarioUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScenarioUnavailable(String message) {
        super(message);
    }
}
