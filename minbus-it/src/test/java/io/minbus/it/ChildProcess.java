package io.minbus.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process started by a test: a {@link Child} JVM with the test class path, or any command
 * (the {@code minbus} CLI). Its stdout lines are queued for {@link #await}; stderr goes to a log file
 * under {@code target/child-logs}. {@link #close()} kills it if it is still running.
 */
final class ChildProcess implements AutoCloseable {
    private static final String EOF = "\u0000eof";
    private static final Path LOGS = Path.of("target", "child-logs");

    private final Process process;
    private final String label;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new CopyOnWriteArrayList<>();
    private final OutputStream stdin;

    private ChildProcess(List<String> command, String label) {
        this.label = label;
        try {
            Files.createDirectories(LOGS);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectError(LOGS.resolve(label.replaceAll("[^A-Za-z0-9_.-]", "_") + ".stderr").toFile());
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        stdin = process.getOutputStream();
        Thread.ofPlatform().daemon().name("stdout-" + label).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process died; EOF below
            }
            lines.add(EOF);
        });
    }

    /** The java executable running this test. */
    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Starts {@code Child MODE ARGS...} in a JVM with the test class path. */
    static ChildProcess child(String label, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xmx256m", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), Child.class.getName()));
        cmd.addAll(List.of(args));
        return new ChildProcess(cmd, label);
    }

    /** Starts the {@code minbus} CLI ({@code minbus-cli/target/minbus.jar}) with these arguments. */
    static ChildProcess cli(String label, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", cliJar().toString()));
        cmd.addAll(List.of(args));
        return new ChildProcess(cmd, label);
    }

    /** The shaded CLI jar; the CLI tests are skipped when it has not been built. */
    static Path cliJar() {
        return Path.of("..", "minbus-cli", "target", "minbus.jar").toAbsolutePath().normalize();
    }

    /** Waits for the next line matching {@code match}, skipping others; fails on EOF or timeout. */
    String await(Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError(label + ": no matching line within " + timeout + "; output so far: " + all);
                }
                if (line == EOF) {
                    lines.add(EOF);
                    throw new AssertionError(label + ": exited (" + exitCodeNow() + ") before a matching line; output: " + all);
                }
                if (match.test(line)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for a line starting with {@code prefix}. */
    String await(String prefix, Duration timeout) {
        return await(l -> l.startsWith(prefix), timeout);
    }

    /** Every stdout line so far. */
    List<String> output() {
        return List.copyOf(all);
    }

    /** Sends one line to the child's stdin. */
    void tell(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(label + " does not take input any more", e);
        }
    }

    /** Closes the child's stdin: our children exit on it. */
    void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Waits for the exit; returns the code. */
    int exitCode(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(label + " did not exit within " + timeout + "; output: " + all);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private String exitCodeNow() {
        return process.isAlive() ? "still running" : "exit " + process.exitValue();
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux). */
    void kill() {
        process.destroyForcibly();
    }

    /** Sends a signal by name (STOP, CONT) with kill(1). */
    void signal(String name) {
        try {
            Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (k.waitFor() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    long pid() {
        return process.pid();
    }

    String label() {
        return label;
    }

    @Override
    public void close() {
        closeStdin();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
