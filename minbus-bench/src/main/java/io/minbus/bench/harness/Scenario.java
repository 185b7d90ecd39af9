package io.minbus.bench.harness;

import java.util.List;
import java.util.Optional;

/**
 * One system in one topology, e.g. "dbus-broker, A→broker→B": a fixture (its processes) and the
 * probes run against it.
 *
 * <p>Life cycle, driven by {@link Runner}: {@link #setup} once (start servers, relays, drivers;
 * throw {@link ScenarioUnavailable} if this machine cannot run it), then {@link #run} once per
 * probe per round, interleaved with every other scenario, then {@link #teardown} once. {@code run}
 * must not keep state between rounds that would make rounds depend on each other.
 *
 * <p>Most scenarios are a {@link ProcessScenario}: a few commands plus a driver that speaks the
 * {@link DriverCommand} protocol. A scenario may also measure inside the harness JVM; then it
 * implements this interface directly and returns a {@link RoundResult} it built itself.
 */
public interface Scenario {

    /** Stable identifier, e.g. {@code c/relay}; with {@link #placement()} it names the scenario in a run. */
    String name();

    /** Who is measured, as the table shows it, e.g. "C epoll (limit)", "dbus-broker 33". */
    String system();

    /** How the two ends are connected, e.g. "A→relay→B". */
    String topology();

    /** Which CPUs its processes run on. */
    Placement placement();

    /** Name of the scenario whose same-key probes are this one's limit (compared with the same placement). */
    Optional<String> limit();

    List<Probe> probes();

    void setup(BenchContext context) throws Exception;

    RoundResult run(Probe probe, RoundSpec round) throws Exception;

    /** Releases everything {@link #setup} started; must not throw and may be called after a failed setup. */
    void teardown();

    /** Name and placement: unique within a run. */
    default String id() {
        return name() + placement().suffix();
    }
}
