package io.minbus.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A scenario made of child processes: servers, relays or brokers started in order (each waited
 * for), then one or more drivers that run the probes over the {@link DriverCommand} protocol.
 * Processes are placed on CPUs as the scenario's {@link Placement} says.
 *
 * <pre>{@code
 * ProcessScenario.builder("c/relay", "C epoll (limit)", "A→relay→B")
 *     .process("echo", (ctx, dir) -> List.of(ctx.nativeProgram("uds_bench"), "echo", dir + "/echo.sock"), Ready.LINE)
 *     .process("relay", (ctx, dir) -> List.of(ctx.nativeProgram("uds_bench"), "relay", dir + "/relay.sock", dir + "/echo.sock"), Ready.LINE)
 *     .driver("client", (ctx, dir) -> List.of(ctx.nativeProgram("uds_bench"), "client", dir + "/relay.sock"))
 *     .probes(List.of(Probe.roundTrip(64, 1), Probe.bulk(65536)))
 *     .build();
 * }</pre>
 */
public final class ProcessScenario implements Scenario {

    /** Builds the command line of one process; may throw {@link ScenarioUnavailable}. */
    @FunctionalInterface
    public interface CommandFactory {
        List<String> command(BenchContext context, Path dir) throws Exception;
    }

    /** Runs before any process starts (write configuration files, check prerequisites). */
    @FunctionalInterface
    public interface Preparation {
        void prepare(BenchContext context, Path dir) throws Exception;
    }

    /** How the harness knows a process is ready for connections. */
    public sealed interface Ready {
        /** It prints {@code ready}. */
        Ready LINE = new Line();

        /** A file (usually its socket) appears in the scenario directory. */
        static Ready file(String name) {
            return new File(name);
        }

        record Line() implements Ready { }

        record File(String name) implements Ready { }
    }

    private record Spec(String role, CommandFactory factory, Ready ready) { }

    /** Generous: filling a bus with 10,000 plugins takes a while on a busy machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final String name;
    private final String system;
    private final String topology;
    private final Placement placement;
    private final Optional<String> limit;
    private final List<Probe> probes;
    private final List<Preparation> preparations;
    private final List<Spec> processes;
    private final Map<String, CommandFactory> drivers;

    private final List<Peer> started = new ArrayList<>();
    private final Map<String, Peer> driverPeers = new LinkedHashMap<>();

    private ProcessScenario(Builder b) {
        this.name = b.name;
        this.system = b.system;
        this.topology = b.topology;
        this.placement = b.placement;
        this.limit = Optional.ofNullable(b.limit);
        this.probes = List.copyOf(b.probes);
        this.preparations = List.copyOf(b.preparations);
        this.processes = List.copyOf(b.processes);
        this.drivers = new LinkedHashMap<>(b.drivers);
        for (Probe p : probes) {
            if (!drivers.containsKey(p.driver())) {
                throw new IllegalArgumentException(name + ": probe '" + p.label() + "' names driver " + p.driver()
                        + " but the drivers are " + drivers.keySet());
            }
        }
    }

    public static Builder builder(String name, String system, String topology) {
        return new Builder(name, system, topology);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String system() {
        return system;
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
    public void setup(BenchContext context) throws Exception {
        Path dir = context.scenarioDir(id());
        for (Preparation p : preparations) {
            p.prepare(context, dir);
        }
        String logPrefix = id().replaceAll("[^A-Za-z0-9._-]", "-") + ".";
        for (Spec s : processes) {
            List<String> cmd = context.placed(placement, false, s.factory().command(context, dir));
            Peer peer = Peer.start(id() + " " + s.role(), false, cmd, context.logDir().resolve(logPrefix + s.role() + ".log"));
            started.add(peer);
            switch (s.ready()) {
                case Ready.Line l -> peer.awaitReady(START_TIMEOUT);
                case Ready.File f -> peer.awaitFile(dir.resolve(f.name()), START_TIMEOUT);
            }
        }
        for (Map.Entry<String, CommandFactory> d : drivers.entrySet()) {
            List<String> cmd = context.placed(placement, true, d.getValue().command(context, dir));
            Peer peer = Peer.start(id() + " " + d.getKey(), true, cmd, context.logDir().resolve(logPrefix + d.getKey() + ".log"));
            started.add(peer);
            driverPeers.put(d.getKey(), peer);
        }
    }

    @Override
    public RoundResult run(Probe probe, RoundSpec round) throws Exception {
        Peer driver = Objects.requireNonNull(driverPeers.get(probe.driver()), "not set up");
        for (Peer p : started) {
            if (!p.isAlive()) {
                throw new IOException(p.name() + " is no longer running (see its log in the bench log directory)");
            }
        }
        return RoundResult.parse(driver.request(round.command(probe).format(), round.timeout()));
    }

    @Override
    public void teardown() {
        // drivers first (they hold connections), then servers in reverse start order
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
        driverPeers.clear();
    }

    /** Builder of a {@link ProcessScenario}. */
    public static final class Builder {
        private final String name;
        private final String system;
        private final String topology;
        private Placement placement = Placement.ANY;
        private String limit;
        private final List<Probe> probes = new ArrayList<>();
        private final List<Preparation> preparations = new ArrayList<>();
        private final List<Spec> processes = new ArrayList<>();
        private final Map<String, CommandFactory> drivers = new LinkedHashMap<>();

        private Builder(String name, String system, String topology) {
            this.name = Objects.requireNonNull(name);
            this.system = Objects.requireNonNull(system);
            this.topology = Objects.requireNonNull(topology);
        }

        public Builder placement(Placement value) {
            this.placement = Objects.requireNonNull(value);
            return this;
        }

        /** The scenario that is this one's limit; {@code name} itself for a limit. */
        public Builder limit(String scenarioName) {
            this.limit = scenarioName;
            return this;
        }

        public Builder prepare(Preparation p) {
            preparations.add(p);
            return this;
        }

        public Builder process(String role, CommandFactory command, Ready ready) {
            processes.add(new Spec(role, command, ready));
            return this;
        }

        public Builder driver(String role, CommandFactory command) {
            drivers.put(role, command);
            return this;
        }

        public Builder probes(List<Probe> list) {
            probes.addAll(list);
            return this;
        }

        public ProcessScenario build() {
            return new ProcessScenario(this);
        }
    }
}
