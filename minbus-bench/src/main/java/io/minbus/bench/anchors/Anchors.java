package io.minbus.bench.anchors;

import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import io.minbus.bench.harness.ProcessScenario;
import io.minbus.bench.harness.ProcessScenario.Ready;
import io.minbus.bench.harness.RunSettings;
import io.minbus.bench.harness.Scenario;
import io.minbus.bench.harness.ScenarioUnavailable;
import io.minbus.bench.peers.GrpcClient;
import io.minbus.bench.peers.GrpcServer;
import io.minbus.bench.peers.Hello;
import io.minbus.bench.peers.NioClient;
import io.minbus.bench.peers.NioEchoServer;
import io.minbus.bench.peers.NioRelay;
import io.minbus.bench.peers.ProcessBuilderSpawn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The anchor scenarios in the order the report lists them: every one placed anywhere (with the
 * concurrency sweep), then on one CPU, then split (driver on one CPU, the rest on the other; not
 * for process start, where it means nothing).
 */
public final class Anchors {

    /** The limit of every direct (A↔B) comparison. */
    public static final String C_DIRECT = "c/direct";
    /** The limit of every relayed or brokered (A→X→B) comparison. */
    public static final String C_RELAY = "c/relay";
    /** The limit of process start-up. */
    public static final String START_TRIVIAL = "start/trivial-c";

    static final int SMALL = 64;
    static final int BULK = 64 * 1024;
    /** The "many calls in flight" point of the table. */
    static final int IN_FLIGHT = 64;

    private Anchors() {
    }

    public static List<Scenario> all(RunSettings settings) {
        List<Scenario> out = new ArrayList<>();
        List<Placement> placements = settings.pinned() ? List.of(Placement.values()) : List.of(Placement.ANY);
        for (Placement placement : placements) {
            out.addAll(sockets(settings, placement));
            out.addAll(dbus(settings, placement));
            out.add(grpc(settings, placement));
            if (placement != Placement.SPLIT) {
                out.addAll(startup(placement));
            }
        }
        return out;
    }

    /** Round trips over the concurrency sweep (plus the table's in-flight point) when unpinned; 1 and 64 when pinned. */
    static List<Probe> roundTrips(RunSettings settings, Placement placement) {
        TreeSet<Integer> n = new TreeSet<>(placement == Placement.ANY ? settings.channels() : List.of(1));
        n.add(1);
        n.add(IN_FLIGHT);
        return n.stream().map(c -> Probe.roundTrip(SMALL, c)).toList();
    }

    static List<Probe> withBulk(List<Probe> probes) {
        List<Probe> out = new ArrayList<>(probes);
        out.add(Probe.bulk(BULK));
        return out;
    }

    // ------------------------------------------------------------------ the limit: C and plain Java

    static List<Scenario> sockets(RunSettings settings, Placement placement) {
        List<Probe> probes = withBulk(roundTrips(settings, placement));
        ProcessScenario.CommandFactory cEcho = (ctx, dir) -> List.of(ctx.nativeProgram("uds_bench"), "echo", sock(dir, "echo"));
        ProcessScenario.CommandFactory javaEcho = (ctx, dir) -> ctx.java(NioEchoServer.class.getName(), sock(dir, "echo"));
        List<Scenario> out = new ArrayList<>();
        out.add(ProcessScenario.builder(C_DIRECT, "C (limit)", "A↔B direct")
                .placement(placement).limit(C_DIRECT)
                .process("echo", cEcho, Ready.LINE)
                .driver("client", (ctx, dir) -> List.of(ctx.nativeProgram("uds_bench"), "client", sock(dir, "echo")))
                .probes(probes).build());
        out.add(ProcessScenario.builder(C_RELAY, "C (limit)", "A→relay→B, epoll relay, 1 thread")
                .placement(placement).limit(C_RELAY)
                .process("echo", cEcho, Ready.LINE)
                .process("relay", (ctx, dir) -> List.of(ctx.nativeProgram("uds_bench"), "relay", sock(dir, "relay"), sock(dir, "echo")), Ready.LINE)
                .driver("client", (ctx, dir) -> List.of(ctx.nativeProgram("uds_bench"), "client", sock(dir, "relay")))
                .probes(probes).build());
        out.add(ProcessScenario.builder("java-nio/direct", "Java NIO (limit)", "A↔B direct")
                .placement(placement).limit(C_DIRECT)
                .process("echo", javaEcho, Ready.LINE)
                .driver("client", (ctx, dir) -> ctx.java(NioClient.class.getName(), sock(dir, "echo")))
                .probes(probes).build());
        for (String mode : List.of("threads", "selector")) {
            String topology = mode.equals("threads")
                    ? "A→relay→B, platform thread per direction"
                    : "A→relay→B, 1 selector thread";
            out.add(ProcessScenario.builder("java-nio/relay-" + mode, "Java NIO (limit)", topology)
                    .placement(placement).limit(C_RELAY)
                    .process("echo", javaEcho, Ready.LINE)
                    .process("relay", (ctx, dir) -> ctx.java(NioRelay.class.getName(), mode, sock(dir, "relay"), sock(dir, "echo")), Ready.LINE)
                    .driver("client", (ctx, dir) -> ctx.java(NioClient.class.getName(), sock(dir, "relay")))
                    .probes(probes).build());
        }
        return out;
    }

    // ------------------------------------------------------------------ D-Bus

    static List<Scenario> dbus(RunSettings settings, Placement placement) {
        List<Probe> probes = roundTrips(settings, placement);
        ProcessScenario.CommandFactory server = (ctx, dir) -> List.of(ctx.nativeProgram("dbus_peer"), "server", busAddress(dir));
        ProcessScenario.CommandFactory client = (ctx, dir) -> List.of(ctx.nativeProgram("dbus_peer"), "client", busAddress(dir));
        Scenario broker = ProcessScenario.builder("dbus-broker/broker", "D-Bus: dbus-broker", "A→broker→B, sd-bus peers")
                .placement(placement).limit(C_RELAY)
                .prepare((ctx, dir) -> {
                    onPath("dbus-broker-launch", "dbus-broker");
                    writeBusConfig(dir);
                })
                .process("broker", (ctx, dir) -> List.of(ctx.nativeProgram("dbus_launch"), sock(dir, "bus"), dir.resolve("bus.conf").toString()),
                        Ready.file("bus.sock"))
                .process("server", server, Ready.LINE)
                .driver("client", client)
                .probes(probes).build();
        Scenario daemon = ProcessScenario.builder("dbus-daemon/broker", "D-Bus: dbus-daemon", "A→broker→B, sd-bus peers")
                .placement(placement).limit(C_RELAY)
                .prepare((ctx, dir) -> {
                    onPath("dbus-daemon", "dbus-daemon");
                    writeBusConfig(dir);
                })
                .process("broker", (ctx, dir) -> List.of("dbus-daemon", "--config-file=" + dir.resolve("bus.conf"),
                        "--nofork", "--nopidfile"), Ready.file("bus.sock"))
                .process("server", server, Ready.LINE)
                .driver("client", client)
                .probes(probes).build();
        return List.of(broker, daemon);
    }

    /**
     * A session-type bus that lets anyone own any name and call anything (no system policy, no
     * root). dbus-daemon listens where {@code <listen>} says; dbus-broker-launch ignores it and takes
     * the socket {@code dbus_launch} passes it.
     */
    static void writeBusConfig(Path dir) throws java.io.IOException {
        Files.writeString(dir.resolve("bus.conf"), """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*"/>
                    <allow receive_sender="*"/>
                    <allow own="*"/>
                  </policy>
                  <limit name="max_replies_per_connection">100000</limit>
                  <limit name="max_incoming_bytes">1000000000</limit>
                  <limit name="max_outgoing_bytes">1000000000</limit>
                  <limit name="max_message_size">100000000</limit>
                </busconfig>
                """.formatted(busAddress(dir)));
    }

    static String busAddress(Path dir) {
        return "unix:path=" + sock(dir, "bus");
    }

    // ------------------------------------------------------------------ gRPC

    static Scenario grpc(RunSettings settings, Placement placement) {
        List<Probe> probes = new ArrayList<>(roundTrips(settings, placement));
        probes.add(Probe.streamRoundTrip(SMALL, 1));
        probes.add(Probe.bulk(BULK));
        return ProcessScenario.builder("grpc/direct", "gRPC-java (netty, epoll)", "A↔B direct, one HTTP/2 connection")
                .placement(placement).limit(C_DIRECT)
                .process("server", (ctx, dir) -> ctx.java(GrpcServer.class.getName(), sock(dir, "grpc")), Ready.LINE)
                .driver("client", (ctx, dir) -> ctx.java(GrpcClient.class.getName(), sock(dir, "grpc")))
                .probes(probes).build();
    }

    // ------------------------------------------------------------------ start-up

    static List<Scenario> startup(Placement placement) {
        String topology = "start → exit, one at a time";
        return List.of(
                ProcessScenario.builder("start/bin-true", "process start: /bin/true", "fork+exec from C, " + topology)
                        .placement(placement).limit(START_TRIVIAL)
                        .driver("client", (ctx, dir) -> List.of(ctx.nativeProgram("spawn_timer"), "/bin/true"))
                        .probes(List.of(Probe.spawn("fork/exec → exit"))).build(),
                ProcessScenario.builder(START_TRIVIAL, "process start: trivial C (limit)", "fork+exec from C, " + topology)
                        .placement(placement).limit(START_TRIVIAL)
                        .driver("client", (ctx, dir) -> List.of(ctx.nativeProgram("spawn_timer"), ctx.nativeProgram("trivial")))
                        .probes(List.of(Probe.spawn("fork/exec → exit"))).build(),
                ProcessScenario.builder("start/java-processbuilder", "process start: /bin/true", "Java ProcessBuilder, " + topology)
                        .placement(placement).limit(START_TRIVIAL)
                        .driver("client", (ctx, dir) -> ctx.java(ProcessBuilderSpawn.class.getName(), "/bin/true"))
                        .probes(List.of(Probe.spawn("ProcessBuilder.start → waitFor"))).build(),
                ProcessScenario.builder("start/jvm", "process start: JVM, empty main", "fork+exec from C, " + topology)
                        .placement(placement).limit(START_TRIVIAL)
                        .driver("client", (ctx, dir) -> {
                            List<String> cmd = new ArrayList<>(List.of(ctx.nativeProgram("spawn_timer")));
                            cmd.addAll(ctx.java(Hello.class.getName()));
                            return cmd;
                        })
                        .probes(List.of(Probe.spawn("fork/exec → exit"))).build());
    }

    // ------------------------------------------------------------------ helpers

    static String sock(Path dir, String name) {
        return dir.resolve(name + ".sock").toString();
    }

    static void onPath(String program, String debianPackage) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return;
            }
        }
        throw new ScenarioUnavailable(program + " is not installed (Debian package " + debianPackage
                + "; bench/run.sh installs it when run as root)");
    }
}
