package io.minbus.bench.minbus;

import io.minbus.bench.harness.DriverCommand;
import io.minbus.bench.harness.LatencyHistogram;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.harness.Workload;
import io.minbus.bench.peers.DriverLoop;
import io.minbus.client.Channel;
import io.minbus.host.Host;
import io.minbus.host.HostedPlugin;
import io.minbus.host.PluginSpec;
import io.minbus.host.StopTimeouts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Driver of the start-up scenarios ({@code spawn ...}): a {@link Host} with its bus in this JVM
 * ({@link Host#embedded()}, how an application hosts plugins) launches the plugin, {@link Host#launch}
 * returns once it has connected, registered and answered the launch challenge ("registered"), then
 * the host connects to it and makes the first call, a 64-byte message echoed back ("first answered
 * call"). The histogram is launch → first answered call; the extra {@code registered_p50} is launch
 * → registered. After each start the plugin is stopped (MINBUS-STOP) and its exit awaited, outside
 * the timing. At least 3 starts per round.
 *
 * <p>Usage: {@code StartupDriver java CLASSPATH PLUGIN_JAR} (a Java plugin, {@link StartupPlugin});
 * {@code StartupDriver java-aot CLASSPATH PLUGIN_JAR CACHE_FILE} (the same with the JDK's AOT cache,
 * JDK 25+ {@code -XX:AOTCache}, trained by one launch before the first command; on older JDKs a
 * dynamic CDS archive, {@code -XX:SharedArchiveFile} with {@code -XX:+AutoCreateSharedArchive});
 * {@code StartupDriver exec PROGRAM [ARGS...]} (any other plugin, e.g. the Python and C echo
 * examples).
 *
 * <p>A Java plugin runs as a plugin would ship: its class path is {@code PLUGIN_JAR}, written before
 * the first command with what {@code CLASSPATH} (a jar) holds of minbus and its one dependency
 * (Jackson), not the benchmark's jar of 16,000 entries (JMH, gRPC, Netty, ...), whose central
 * directory alone the plugin's JVM would read at every start. Its JVM is small and starts fast:
 * serial GC, a 256 MiB heap, and only the C1 compiler ({@code -XX:TieredStopAtLevel=1}: a plugin's
 * start is interpreted and C1 code; C2 would compete with it for the CPUs).
 */
public final class StartupDriver {

    private StartupDriver() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: StartupDriver java CLASSPATH PLUGIN_JAR | java-aot CLASSPATH PLUGIN_JAR CACHE"
                    + " | exec PROGRAM [ARGS...]");
            System.exit(2);
        }
        List<String> argv = new ArrayList<>();
        String java = ProcessHandle.current().info().command().orElse("java");
        switch (args[0]) {
            case "java" -> argv.addAll(javaPlugin(java, pluginJar(args[1], Path.of(args[2])), List.of()));
            case "java-aot" -> {
                String classPath = pluginJar(args[1], Path.of(args[2]));
                argv.addAll(javaPlugin(java, classPath, aot(java, classPath, Path.of(args[3]))));
            }
            case "exec" -> argv.addAll(Arrays.asList(args).subList(1, args.length));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        PluginSpec.Builder spec = PluginSpec.builder(argv).startTimeout(Duration.ofSeconds(60));
        LatencyHistogram hist = new LatencyHistogram();
        LatencyHistogram registered = new LatencyHistogram();
        try (Host host = Host.embedded()) {
            // registers the host's application connection as a nameless client now: unregistered, the
            // bus would drop it after registration_timeout (10 s) if the first launch took longer
            host.bus().plugins();
            DriverLoop.run(c -> {
                if (c.workload() != Workload.SPAWN) {
                    throw new IllegalArgumentException("unsupported workload " + c.workload());
                }
                hist.reset();
                registered.reset();
                DriverLoop.Deadlines d = DriverLoop.Deadlines.of(c);
                while (System.nanoTime() < d.warmEnd()) {
                    start(host, spec, new LatencyHistogram(), new LatencyHistogram());
                }
                long t0 = System.nanoTime();
                long count = 0;
                do {
                    start(host, spec, hist, registered);
                    count++;
                } while (System.nanoTime() < t0 + c.durationMillis() * 1_000_000 || count < 3);
                return new RoundResult(count, System.nanoTime() - t0, 0, hist,
                        Map.of("registered_p50", registered.percentile(50)));
            });
        }
        System.exit(0);
    }

    /**
     * One start under a name of its own, so that every start is a first launch: a plugin that exits
     * in a millisecond (the C one) is started again before the host's watch has seen the previous
     * start's name leave, and the host would first challenge the old holder (docs/benchmarks.md).
     */
    private static void start(Host host, PluginSpec.Builder spec, LatencyHistogram hist, LatencyHistogram registered) throws Exception {
        start(host, spec.name("startup-echo-" + ++starts).build(), hist, registered);
    }

    private static int starts;

    private static void start(Host host, PluginSpec spec, LatencyHistogram hist, LatencyHistogram registered) throws Exception {
        long t0 = System.nanoTime();
        HostedPlugin p = host.launch(spec);
        long t1 = System.nanoTime();
        try (Channel ch = host.bus().connect(spec.name())) {
            ch.send(ByteBuffer.allocate(64));
            ByteBuffer answer = ch.receive();
            long t2 = System.nanoTime();
            if (answer.remaining() != 64) {
                throw new IOException("the plugin answered " + answer.remaining() + " bytes to 64");
            }
            hist.record(t2 - t0);
            registered.record(t1 - t0);
        } finally {
            p.stop();
        }
    }

    /** A small JVM as a plugin would run: serial GC, a modest heap, C1 only. */
    private static List<String> javaPlugin(String java, String classPath, List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(extra);
        cmd.addAll(List.of("-cp", classPath, StartupPlugin.class.getName()));
        return cmd;
    }

    /** Entries of the benchmark's jar that a plugin's class path holds: minbus (the SDK and the plugin) and Jackson. */
    private static final List<String> PLUGIN_ENTRIES = List.of("io/minbus/", "tools/jackson/", "com/fasterxml/jackson/",
            "META-INF/services/tools.jackson.");

    /** Writes {@code jar} with the plugin's part of {@code classPath} and returns its path; a class path that is not one jar is used as it is. */
    private static String pluginJar(String classPath, Path jar) throws IOException {
        Path source = Path.of(classPath);
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar") || !Files.isRegularFile(source)) {
            return classPath;
        }
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(source.toFile());
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
                if (PLUGIN_ENTRIES.stream().anyMatch(e.getName()::startsWith)) {
                    out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                    try (java.io.InputStream data = in.getInputStream(e)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return jar.toString();
    }

    /** The AOT cache (JDK 25+, trained by one launch now) or a dynamic CDS archive (created by the first launch). */
    private static List<String> aot(String java, String classPath, Path cache) throws Exception {
        if (Runtime.version().feature() < 25) {
            return List.of("-XX:SharedArchiveFile=" + cache, "-XX:+AutoCreateSharedArchive");
        }
        if (!Files.exists(cache)) {
            PluginSpec training = PluginSpec.builder(javaPlugin(java, classPath, List.of("-XX:AOTCacheOutput=" + cache)))
                    .name("startup-echo").startTimeout(Duration.ofSeconds(120))
                    // writing the cache happens at exit and takes seconds: no SIGTERM meanwhile
                    .stopTimeouts(new StopTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(10))).build();
            try (Host host = Host.embedded()) {
                host.bus().plugins(); // see main
                start(host, training, new LatencyHistogram(), new LatencyHistogram());
            }
            if (!Files.exists(cache)) {
                throw new IOException("the training launch did not write the AOT cache " + cache);
            }
        }
        return List.of("-XX:AOTCache=" + cache);
    }
}
