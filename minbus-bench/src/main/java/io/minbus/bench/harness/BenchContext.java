package io.minbus.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where things are during a run, and how to start a child process: native programs, child JVMs
 * (same JDK and class path as the harness), CPU pinning, per-scenario socket directories and logs.
 *
 * @param root       the repository root
 * @param nativeDir  {@code minbus-bench/target/native}: the C programs built by {@code bench/build-native.sh}
 * @param workDir    a fresh temporary directory for sockets and configuration (deleted at the end)
 * @param logDir     where each child's stderr goes, one file per process
 * @param javaCommand the {@code java} launcher of the harness's own JDK
 * @param classPath  the harness's class path, given to child JVMs
 * @param cpus       CPUs of the machine ({@link Placement} uses CPU 0 and the last one)
 */
public record BenchContext(Path root, Path nativeDir, Path workDir, Path logDir, String javaCommand,
                           String classPath, int cpus) {

    /** A program from {@link #nativeDir}; unavailable (with the reason) when it was not built. */
    public String nativeProgram(String name) {
        Path p = nativeDir.resolve(name);
        if (!Files.isExecutable(p)) {
            throw new ScenarioUnavailable(p + " is not built (bench/build-native.sh builds it; "
                    + "see " + nativeDir.resolve("BUILD.txt") + " for what was skipped)");
        }
        return p.toString();
    }

    /** A command line that starts a child JVM running {@code mainClass}. */
    public List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(javaCommand, "-Xms64m", "-Xmx1g", "-XX:+UseG1GC"));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // Netty's epoll JNI library
        }
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // Netty still uses it; silences the warning
        }
        cmd.addAll(List.of("-cp", classPath, mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The command, prefixed with {@code taskset -c <cpu>} as the placement (and the process's role) says. */
    public List<String> placed(Placement placement, boolean driver, List<String> command) {
        if (placement == Placement.ANY) {
            return command;
        }
        if (placement == Placement.SPLIT && cpus < 2) {
            throw new ScenarioUnavailable("a split placement needs two CPUs; this machine has " + cpus);
        }
        int cpu = placement == Placement.SPLIT && driver ? 0 : cpus - 1;
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
        cmd.addAll(command);
        return cmd;
    }

    /** A directory of its own for one scenario's sockets and files. */
    public Path scenarioDir(String scenarioId) {
        Path dir = workDir.resolve(scenarioId.replaceAll("[^A-Za-z0-9._-]", "-"));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
