package io.minbus.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison harness starts and reports: builds the C programs, runs the Java NIO anchor (a
 * server JVM and a client JVM) for a few short rounds, and writes the report and the chart.
 * The real runs are bench/run.sh's; this only proves the machinery works.
 */
class HarnessSmokeTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void runsTheJavaNioAnchorForAFewRounds(@TempDir Path tmp) throws Exception {
        assumeTrue(onPath("gcc") || onPath("cc"),
                "gcc is not installed: the harness builds its C programs with bench/build-native.sh; "
                        + "install gcc (apt-get install gcc) to run this smoke test");
        Path root = Path.of("").toAbsolutePath().getParent(); // surefire runs in minbus-bench/
        assertThat(root.resolve("bench/build-native.sh")).exists();
        Process build = new ProcessBuilder("bash", root.resolve("bench/build-native.sh").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("build.log").toFile()).start();
        assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(build.exitValue()).as(Files.readString(tmp.resolve("build.log"))).isZero();

        Path report = tmp.resolve("benchmarks.md");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        int status = BenchMain.run(new String[] {
            "--quick", "--root", root.toString(), "--target", tmp.toString(), "--out", report.toString(),
            "--only", "^java-nio/direct$", "--no-pinned", "--channels", "1,10",
            "--rounds", "2", "--duration-ms", "100", "--warmup-ms", "50",
        }, new PrintStream(progress, true, StandardCharsets.UTF_8));

        String log = progress.toString(StandardCharsets.UTF_8);
        assertThat(status).as(log).isZero();
        String md = Files.readString(report);
        assertThat(md).contains(MarkdownReport.BEGIN, MarkdownReport.END)
                .contains("| Java NIO (limit) | A↔B direct | 64 B round trip | any |")
                .contains("64 KiB bulk, one way")
                .doesNotContain("failed");
        assertThat(Files.readString(tmp.resolve("benchmarks-channels.svg"))).startsWith("<svg").contains("polyline");
        assertThat(tmp.resolve("bench-results.csv")).exists();
    }

    /**
     * minbus's own scenarios start and report: the bus, the plugins and the drivers as processes, a
     * few short rounds (50 registered plugins instead of 10,000; the Java start-up scenarios, which
     * take seconds per start, are left to bench/run.sh).
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void runsTheMinbusScenariosForAFewRounds(@TempDir Path tmp) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path report = tmp.resolve("benchmarks.md");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        int status = BenchMain.run(new String[] {
            "--quick", "--root", root.toString(), "--target", tmp.toString(), "--out", report.toString(),
            "--only", "^minbus/(relay|direct|bulk|oneway|rpc|scale|startup-python|startup-c)$|^start/trivial-c$|^c/direct$", "--no-pinned", "--channels", "1,10",
            "--warmup-rounds", "0", "--rounds", "1", "--duration-ms", "100", "--warmup-ms", "50", "--scale-plugins", "50",
        }, new PrintStream(progress, true, StandardCharsets.UTF_8));

        String log = progress.toString(StandardCharsets.UTF_8);
        assertThat(status).as(log).isZero();
        String md = Files.readString(report);
        assertThat(md).as(log)
                .contains("| minbus | A→bus→B, relayed duplex per channel, one bus connection for A | 64 B round trip | any |")
                .contains("| minbus | A→bus→B, relayed duplex | 64 KiB bulk, one way | any |")
                .contains("| minbus | A↔B direct connection, introduced by the bus | 64 B round trip | any |")
                .contains("direct connection round trip ≤ 1.2× raw A↔B")
                .contains("64 B one-way messages")
                .contains("BusRpc typed proxy")
                .contains("50 plugins on one bus")
                .contains("`relay_direction_buffered_max`", "`server_rss`", "### minbus against its targets")
                .contains("non-JVM plugin (minbus: C plugin (examples/c-echo)) launch → first call")
                .doesNotContain("Java plugin (minbus: C plugin")
                .doesNotContain("failed");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
