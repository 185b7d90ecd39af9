package io.minbus.bench.minbus;

import io.minbus.bench.anchors.Anchors;
import io.minbus.bench.harness.BenchContext;
import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import io.minbus.bench.harness.ProcessScenario;
import io.minbus.bench.harness.ProcessScenario.Ready;
import io.minbus.bench.harness.RunSettings;
import io.minbus.bench.harness.Scenario;
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
    public static final String BULK = "minbus/bulk";
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
        out.add(relayed(BULK, "A→bus→B, relayed duplex", any, 0, List.of(Probe.bulk(64 * 1024)))
                .limit(Anchors.C_RELAY).build());
        out.add(relayed(ONE_WAY, "A→bus→B, relayed duplex, Channel.send", any, 0,
                List.of(new Probe(Workload.ONE_WAY, 1, SMALL, "64 B one-way messages", Probe.DEFAULT_DRIVER))).build());
        out.add(new MinbusRpcRate(any));
        out.add(new MinbusRegistryScale(any));
        out.add(new MinbusPluginStartup(any));
        return out;
    }

    /** Bus, echo plugins ({@code echo-0..echoes-1} and {@code sink}), and A as the driver. */
    private static ProcessScenario.Builder relayed(String name, String topology, Placement placement, int echoes, List<Probe> probes) {
        return ProcessScenario.builder(name, "minbus", topology)
                .placement(placement)
                .process("bus", MinbusScenarios::bus, Ready.LINE)
                .process("plugin-b", (ctx, dir) -> ctx.java(EchoPlugins.class.getName(), sock(dir, "bus"), Integer.toString(echoes)), Ready.LINE)
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
