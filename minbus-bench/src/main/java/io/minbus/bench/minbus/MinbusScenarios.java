package io.minbus.bench.minbus;

import io.minbus.bench.anchors.Anchors;
import io.minbus.bench.harness.BenchContext;
import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import io.minbus.bench.harness.ProcessScenario;
import io.minbus.bench.harness.ProcessScenario.Ready;
import io.minbus.bench.harness.RunSettings;
import io.minbus.bench.harness.Scenario;
import io.minbus.bench.harness.ScenarioUnavailable;
import io.minbus.bench.harness.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * minbus's scenarios, in report order. Each is a {@link ProcessScenario}: the bus ({@link BusMain}, a
 * {@link io.minbus.server.MinBusServer} in a JVM of its own), the plugins it needs, and one driver,
 * all separate processes talking over Unix sockets like the anchors.
 */
public final class MinbusScenarios {

    public static final String RELAY = "minbus/relay";
    /** A↔B over a direct connection the bus introduced (docs/minbus.md §19). */
    public static final String DIRECT = "minbus/direct";
    /**
     * {@link #RELAY} (one channel) with every handler of plugin B on a virtual thread ({@code
     * MinBus.Builder.platformHandlers(0)}), which waits for the connection's reader thread; the SDK's
     * default gives the first handlers of a process a platform thread that reads its socket itself.
     */
    public static final String RELAY_VIRTUAL = "minbus/relay-virtual";
    /** {@link #DIRECT} with every handler of plugin B on a virtual thread. */
    public static final String DIRECT_VIRTUAL = "minbus/direct-virtual";
    public static final String BULK = "minbus/bulk";
    /** {@link #BULK} with plugin B's handler on a virtual thread. */
    public static final String BULK_VIRTUAL = "minbus/bulk-virtual";
    public static final String ONE_WAY = "minbus/oneway";
    public static final String RPC = "minbus/rpc";
    public static final String SCALE = "minbus/scale";
    public static final String STARTUP = "minbus/startup";

    static final int SMALL = 64;
    static final int IN_FLIGHT = 64;

    private MinbusScenarios() {
    }

    public static List<Scenario> all(RunSettings settings) {
        TreeSet<Integer> channels = new TreeSet<>(settings.channels());
        channels.add(1);
        channels.add(IN_FLIGHT);
        List<Probe> roundTrips = channels.stream().map(n -> Probe.roundTrip(SMALL, n)).toList();
        int echoes = channels.last();
        List<Scenario> out = new ArrayList<>();
        Placement any = Placement.ANY;
        out.add(relayed(RELAY, "A→bus→B, relayed duplex per channel, one bus connection for A", any, echoes, roundTrips)
                .limit(Anchors.C_RELAY).build());
        out.add(direct(any));
        out.add(relayedVirtual(any));
        out.add(directVirtual(any));
        out.add(relayed(BULK, "A→bus→B, relayed duplex", any, 0, List.of(Probe.bulk(64 * 1024)))
                .limit(Anchors.C_RELAY).build());
        out.add(bulkVirtual(any));
        out.add(relayed(ONE_WAY, "A→bus→B, relayed duplex, Channel.write (coalesced)", any, 0,
                List.of(new Probe(Workload.ONE_WAY, 1, SMALL, "64 B one-way messages", Probe.DEFAULT_DRIVER))).build());
        out.add(rpc(any));
        out.add(ProcessScenario.builder(SCALE, "minbus", String.format(java.util.Locale.ROOT, "%,d plugins on one bus, 100 watchers",
                        settings.scalePlugins()))
                .placement(any)
                .process("bus", MinbusScenarios::bus, Ready.LINE)
                .process("plugins", (ctx, dir) -> ctx.java(ScaleHolders.class.getName(), sock(dir, "bus"), sock(dir, "stats"),
                        Integer.toString(settings.scalePlugins()), dir.resolve("scale-fill.txt").toString()), Ready.LINE)
                .driver("client", (ctx, dir) -> ctx.java(ScaleDriver.class.getName(), sock(dir, "bus"), sock(dir, "stats"),
                        dir.resolve("scale-fill.txt").toString()))
                .probes(List.of(new Probe(Workload.REGISTER, settings.scalePlugins(), 0,
                        "register → announced at 100 watchers; connect+register rate", Probe.DEFAULT_DRIVER)))
                .build());
        String launch = "host launches plugin → registered → first answered call";
        out.add(startup("minbus/startup-java", "minbus: Java plugin", launch,
                (ctx, dir) -> ctx.java(StartupDriver.class.getName(), "java", ctx.classPath(), dir.resolve("plugin.jar").toString())));
        out.add(startup("minbus/startup-java-aot", "minbus: Java plugin, " + (Runtime.version().feature() >= 25 ? "AOT cache" : "CDS archive"), launch,
                (ctx, dir) -> ctx.java(StartupDriver.class.getName(), "java-aot", ctx.classPath(), dir.resolve("plugin.jar").toString(),
                        dir.resolve("plugin.aot").toString())));
        out.add(startup("minbus/startup-python", "minbus: Python plugin (examples/python-echo)", launch, (ctx, dir) -> {
            List<String> cmd = new ArrayList<>(ctx.java(StartupDriver.class.getName(), "exec", python(),
                    ctx.root().resolve("examples/python-echo/echo.py").toString()));
            return cmd;
        }));
        out.add(startup("minbus/startup-c", "minbus: C plugin (examples/c-echo)", launch,
                (ctx, dir) -> ctx.java(StartupDriver.class.getName(), "exec", ctx.nativeProgram("c-echo"))));
        if (settings.pinned()) {
            // as the anchors: every process on the last CPU, or the driver on CPU 0 and the bus and the
            // plugin on the last; round trips at 1 and 64 in flight, bulk, RPC (the one-way rate, scale
            // and start-up stay unpinned)
            List<Probe> pinnedTrips = List.of(Probe.roundTrip(SMALL, 1), Probe.roundTrip(SMALL, IN_FLIGHT));
            for (Placement p : List.of(Placement.ONE_CPU, Placement.SPLIT)) {
                out.add(relayed(RELAY, "A→bus→B, relayed duplex per channel, one bus connection for A", p, IN_FLIGHT, pinnedTrips)
                        .limit(Anchors.C_RELAY).build());
                out.add(direct(p));
                out.add(relayedVirtual(p));
                out.add(directVirtual(p));
                out.add(relayed(BULK, "A→bus→B, relayed duplex", p, 0, List.of(Probe.bulk(64 * 1024)))
                        .limit(Anchors.C_RELAY).build());
                out.add(bulkVirtual(p));
                out.add(rpc(p));
            }
        }
        return out;
    }

    private static Scenario direct(Placement placement) {
        return direct(DIRECT, "A↔B direct connection, introduced by the bus", placement);
    }

    /**
     * The direct round trip with B's handler on a virtual thread, which waits for the connection's
     * reader thread (A's one channel is served by its main thread in every scenario).
     */
    private static Scenario directVirtual(Placement placement) {
        return direct(DIRECT_VIRTUAL, "A↔B direct connection, B's handler on a virtual thread", placement, "--virtual");
    }

    private static Scenario direct(String name, String topology, Placement placement, String... echoFlags) {
        return ProcessScenario.builder(name, "minbus", topology)
                .placement(placement).limit(Anchors.C_DIRECT)
                .process("bus", MinbusScenarios::bus, Ready.LINE)
                .process("plugin-b", (ctx, dir) -> ctx.java(EchoPlugins.class.getName(),
                        flags(List.of(sock(dir, "bus"), "1", "--direct"), echoFlags)), Ready.LINE)
                .driver("client", (ctx, dir) -> ctx.java(RelayDriver.class.getName(), sock(dir, "bus"), sock(dir, "stats"),
                        "--direct"))
                .probes(List.of(Probe.roundTrip(SMALL, 1)))
                .build();
    }

    /** The relayed round trip (one channel) with B's handler on a virtual thread. */
    private static Scenario relayedVirtual(Placement placement) {
        return relayed(RELAY_VIRTUAL, "A→bus→B, relayed duplex, B's handler on a virtual thread", placement, 1,
                List.of(Probe.roundTrip(SMALL, 1)), "--virtual")
                .limit(Anchors.C_RELAY).build();
    }

    /** Bulk with B's handler on a virtual thread. */
    private static Scenario bulkVirtual(Placement placement) {
        return relayed(BULK_VIRTUAL, "A→bus→B, relayed duplex, B's handler on a virtual thread", placement, 0,
                List.of(Probe.bulk(64 * 1024)), "--virtual")
                .limit(Anchors.C_RELAY).build();
    }

    private static String[] flags(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static Scenario rpc(Placement placement) {
        return ProcessScenario.builder(RPC, "minbus", "A→bus→B, BusRpc typed proxy (minbus-rpc)")
                .placement(placement).limit(Anchors.C_RELAY)
                .process("bus", MinbusScenarios::bus, Ready.LINE)
                .process("plugin-b", (ctx, dir) -> ctx.java(RpcPlugin.class.getName(), sock(dir, "bus")), Ready.LINE)
                .driver("client", (ctx, dir) -> ctx.java(RpcDriver.class.getName(), sock(dir, "bus")))
                .probes(List.of(Probe.roundTrip(SMALL, 1), Probe.roundTrip(SMALL, IN_FLIGHT)))
                .build();
    }

    private static Scenario startup(String name, String system, String topology, ProcessScenario.CommandFactory driver) {
        return ProcessScenario.builder(name, system, topology)
                .placement(Placement.ANY).limit(Anchors.START_TRIVIAL)
                .driver("client", driver)
                .probes(List.of(Probe.spawn("launch → first answered call")))
                .build();
    }

    /** The real python3 binary (not a shim script, whose own start would be measured), or unavailable. */
    static String python() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new ScenarioUnavailable("python3 is not installed (needed for examples/python-echo)");
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new ScenarioUnavailable("python3 did not say where it is: " + out);
        }
        return out;
    }

    /** Bus, echo plugins ({@code echo-0..echoes-1} and {@code sink}), and A as the driver. */
    private static ProcessScenario.Builder relayed(String name, String topology, Placement placement, int echoes, List<Probe> probes,
                                                   String... echoFlags) {
        return ProcessScenario.builder(name, "minbus", topology)
                .placement(placement)
                .process("bus", MinbusScenarios::bus, Ready.LINE)
                .process("plugin-b", (ctx, dir) -> ctx.java(EchoPlugins.class.getName(),
                        flags(List.of(sock(dir, "bus"), Integer.toString(echoes)), echoFlags)), Ready.LINE)
                .driver("client", (ctx, dir) -> ctx.java(RelayDriver.class.getName(), sock(dir, "bus"), sock(dir, "stats")))
                .probes(probes);
    }

    static List<String> bus(BenchContext ctx, Path dir) {
        return ctx.java(BusMain.class.getName(), sock(dir, "bus"), sock(dir, "stats"));
    }

    static String sock(Path dir, String name) {
        return dir.resolve(name + ".sock").toString();
    }
}
