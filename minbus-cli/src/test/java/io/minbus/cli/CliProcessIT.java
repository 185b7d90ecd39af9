package io.minbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code minbus} command as real child processes through {@code bin/minbus}, over a real Unix
 * socket. Runs in the integration-test phase (failsafe), after {@code target/minbus.jar} is built.
 */
@Timeout(120)
class CliProcessIT {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final Path BIN = ROOT.resolve("bin/minbus");
    static final Path JAR = ROOT.resolve("minbus-cli/target/minbus.jar");
    static final long WAIT_SECONDS = 30;

    @TempDir Path dir;
    Path socket;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        assertThat(JAR).as("built by the package phase").exists();
        socket = dir.resolve("bus.sock");
    }

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
    }

    /** A running {@code bin/minbus} with its stdout lines collected as they come. */
    record Child(Process process, LinkedBlockingQueue<String> lines, CompletableFuture<String> stderr) {
        String nextLine() throws InterruptedException {
            String line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(line).as("a line from %s within %d s; stderr so far is collected at exit", process.info()
                    .commandLine().orElse("minbus"), WAIT_SECONDS).isNotNull();
            return line;
        }

        int exit() throws Exception {
            assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("exited").isTrue();
            return process.exitValue();
        }
    }

    ProcessBuilder minbus(String... args) throws IOException {
        // bin/minbus rebuilds when a source is newer than the jar; the jar was just built by this build
        Files.setLastModifiedTime(JAR, FileTime.from(Instant.now()));
        List<String> command = new ArrayList<>();
        command.add(BIN.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("MINBUS_ADDRESS", "unix:" + socket);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }

    Child start(String... args) throws IOException {
        Process p = minbus(args).start();
        processes.add(p);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        CompletableFuture<String> stderr = readAll(p.getErrorStream()).thenApply(b -> new String(b, StandardCharsets.UTF_8));
        p.getOutputStream().close();
        return new Child(p, lines, stderr);
    }

    /** Reads a stream to its end on a thread of its own (not the common pool: it may have one thread). */
    static CompletableFuture<byte[]> readAll(java.io.InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(in.readAllBytes());
            } catch (IOException e) {
                f.complete(new byte[0]);
            }
        });
        return f;
    }

    /** Runs to completion with {@code stdin}; returns exit code, stdout bytes and stderr. */
    record Run(int exit, byte[] out, String err) {}

    Run run(byte[] stdin, String... args) throws Exception {
        Process p = minbus(args).start();
        processes.add(p);
        CompletableFuture<byte[]> out = readAll(p.getInputStream());
        CompletableFuture<String> err = readAll(p.getErrorStream()).thenApply(b -> new String(b, StandardCharsets.UTF_8));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // the command did not read all of stdin (e.g. it failed early)
        }
        assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Run(p.exitValue(), out.get(WAIT_SECONDS, TimeUnit.SECONDS), err.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void serveRegisterLsWatchConnectAndShutdown() throws Exception {
        Child serve = start("serve");
        assertThat(serve.nextLine()).isEqualTo("unix:" + socket);
        Child watch = start("watch");
        Child echo = start("register", "echo", "--version", "7", "--exec", "cat");
        assertThat(echo.nextLine()).isEqualTo("registered echo 7");
        // the watch started before or after echo registered: a snapshot line or an event
        assertThat(watch.nextLine()).isIn("echo 7", "+ echo 7");

        Run ls = run(new byte[0], "ls");
        assertThat(ls.exit()).isZero();
        assertThat(new String(ls.out(), StandardCharsets.UTF_8)).isEqualTo("echo 7\n");

        long seed = System.nanoTime();
        System.out.println("CliProcessIT: seed " + seed);
        byte[] data = new byte[500_000 + new Random(seed).nextInt(500_000)];
        new Random(seed).nextBytes(data);
        Run round = run(data, "connect", "echo", "--min-version", "7");
        assertThat(round.err()).isEmpty();
        assertThat(round.exit()).isZero();
        assertThat(round.out()).isEqualTo(data);

        Run none = run(new byte[0], "connect", "nobody");
        assertThat(none.exit()).isEqualTo(4);
        assertThat(none.err()).startsWith("minbus: no plugin named \"nobody\"");
        Run old = run(new byte[0], "connect", "echo", "--min-version", "8");
        assertThat(old.exit()).isEqualTo(5);
        Run taken = run(new byte[0], "register", "echo", "--exec", "cat");
        assertThat(taken.exit()).isEqualTo(5);

        echo.process().destroy(); // SIGTERM: the name goes away
        assertThat(echo.exit()).isEqualTo(143);
        assertThat(watch.nextLine()).isEqualTo("- echo 7");

        serve.process().destroy(); // SIGTERM: clean shutdown
        assertThat(serve.exit()).isEqualTo(143);
        assertThat(socket).doesNotExist();
        assertThat(watch.exit()).isEqualTo(3);
        assertThat(watch.stderr().get(WAIT_SECONDS, TimeUnit.SECONDS)).startsWith("minbus: ");
        Run gone = run(new byte[0], "ls");
        assertThat(gone.exit()).isEqualTo(3);
        assertThat(gone.err()).contains("minbus serve");
    }

    @Test
    void launchAndServePluginsRunAPluginWrittenInPython() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("python3", "--version").start().waitFor() == 0, "python3 is not installed");
        Path echoPy = ROOT.resolve("examples/python-echo/echo.py");
        Child serve = start("serve");
        assertThat(serve.nextLine()).isEqualTo("unix:" + socket);

        // minbus launch: a host attached to the running bus starts the plugin, checks its secret
        Child launch = start("launch", "--name", "py", echoPy.toString());
        assertThat(launch.nextLine()).startsWith("launched py pid ");
        Run round = run("hello from the shell\n".getBytes(StandardCharsets.UTF_8), "connect", "py");
        assertThat(round.exit()).as(round.err()).isZero();
        assertThat(new String(round.out(), StandardCharsets.UTF_8)).isEqualTo("hello from the shell\n");
        launch.process().destroy(); // SIGTERM: the host stops its plugin
        launch.exit();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(WAIT_SECONDS))
                .until(() -> new String(run(new byte[0], "ls").out(), StandardCharsets.UTF_8).isEmpty());
        serve.process().destroy();
        serve.exit();

        // minbus serve --plugins DIR: every minbus-plugin-* found is launched once the bus runs
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path exe = plugins.resolve("minbus-plugin-pyecho");
        Files.copy(echoPy, exe);
        exe.toFile().setExecutable(true);
        Child serveWithPlugins = start("serve", "--plugins", plugins.toString());
        assertThat(serveWithPlugins.nextLine()).isEqualTo("unix:" + socket);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(WAIT_SECONDS))
                .until(() -> new String(run(new byte[0], "ls").out(), StandardCharsets.UTF_8).startsWith("pyecho "));
        Run again = run("ping\n".getBytes(StandardCharsets.UTF_8), "connect", "pyecho");
        assertThat(new String(again.out(), StandardCharsets.UTF_8)).isEqualTo("ping\n");
        serveWithPlugins.process().destroy();
        serveWithPlugins.exit();
    }

    @Test
    void demoAndHelp() throws Exception {
        Run demo = run(new byte[0], "demo");
        assertThat(demo.err()).isEmpty();
        assertThat(demo.exit()).isZero();
        assertThat(new String(demo.out(), StandardCharsets.UTF_8)).contains("[watcher] - greeter 1");
        Run help = run(new byte[0], "--help");
        assertThat(help.exit()).isZero();
        assertThat(new String(help.out(), StandardCharsets.UTF_8)).contains("Exit codes:");
        assertThat(run(new byte[0], "--nonsense").exit()).isEqualTo(2);
    }
}
