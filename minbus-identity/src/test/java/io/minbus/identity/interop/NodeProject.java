package io.minbus.identity.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Assumptions;

/**
 * The node test-support project in {@code src/test/node}: copied to {@code target/interop/node}
 * and installed there with {@code npm ci} (exact versions from its lock file) once per test JVM,
 * and again only when its lock file changes. Tests that need it are skipped, naming the missing
 * tool, only if {@code node} or {@code npm} is not installed; a failing install fails them.
 */
final class NodeProject {

    private static final long INSTALL_TIMEOUT_MINUTES = 5;
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static Path installed;

    private NodeProject() {}

    /** The installed project directory (with {@code node_modules}). */
    static Path installed() throws IOException, InterruptedException {
        LOCK.lock();
        try {
            return install();
        } finally {
            LOCK.unlock();
        }
    }

    private static Path install() throws IOException, InterruptedException {
        if (installed != null) {
            return installed;
        }
        String nodeVersion = version("node");
        String npmVersion = version("npm");
        System.out.println("interop: node " + nodeVersion + ", npm " + npmVersion);
        Path source = Path.of(System.getProperty("minbus.test.nodeProject", "src/test/node"));
        Path target = workDirectory().resolve("node");
        Files.createDirectories(target);
        byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
        Path stamp = target.resolve("node_modules").resolve(".minbus-installed-lock.json");
        boolean current = Files.exists(stamp) && Arrays.equals(Files.readAllBytes(stamp), lock);
        try (var files = Files.list(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!current) {
            // --ignore-scripts: nothing is compiled or downloaded besides the packages; sodium-native
            // loads the prebuilt binary it ships, and chloride falls back to JavaScript without it
            run(target, INSTALL_TIMEOUT_MINUTES, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund");
            Files.write(stamp, lock);
        }
        installed = target;
        return target;
    }

    /** Where the interop tests put their files. */
    static Path workDirectory() throws IOException {
        Path directory = Path.of(System.getProperty("minbus.test.workDirectory", "target/interop"));
        Files.createDirectories(directory);
        return directory.toAbsolutePath();
    }

    /** {@code tool --version}, or skips the calling test if the tool is not installed. */
    private static String version(String tool) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort(tool + " is not installed (not on PATH): the interop tests against the npm"
                    + " secret-handshake, pull-box-stream and shs1-test need Node.js 18+ and npm (" + e.getMessage() + ")");
            throw new AssertionError("unreachable");
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            boolean exited = process.waitFor(1, TimeUnit.MINUTES);
            assertThat(exited).as(tool + " --version exits").isTrue();
            if (process.exitValue() != 0) {
                Assumptions.abort(tool + " --version failed (" + output + "): Node.js 18+ and npm are needed");
            }
            return output.lines().reduce((first, second) -> second).orElse(output);
        } catch (IOException e) {
            throw new IllegalStateException(tool + " --version: " + e, e);
        } finally {
            process.destroyForcibly();
        }
    }

    /** Runs a command in {@code directory}, failing with its output unless it exits 0 in time. */
    static String run(Path directory, long timeoutMinutes, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDirectory(), "command", ".log");
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            boolean exited = process.waitFor(timeoutMinutes, TimeUnit.MINUTES);
            String output = Files.readString(log);
            assertThat(exited).as("%s finished within %d minutes; output:%n%s", List.of(command), timeoutMinutes, output)
                    .isTrue();
            assertThat(process.exitValue()).as("exit code of %s; output:%n%s", List.of(command), output).isZero();
            return output;
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    /** A command line running {@code script} of the installed project with node. */
    static List<String> node(Path project, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", project.resolve(script).toString()));
        command.addAll(List.of(args));
        return command;
    }
}
