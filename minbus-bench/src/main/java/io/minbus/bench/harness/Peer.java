package io.minbus.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child process of the harness: a server, relay, broker or driver. Its stdout is read line by
 * line (the driver protocol), its stderr goes to a log file; {@link #close()} ends it and every
 * process it started.
 */
public final class Peer implements AutoCloseable {

    private static final String EOF = "\0eof";

    private final String name;
    private final boolean driver;
    private final Process process;
    private final Path log;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Peer(String name, boolean driver, Process process, Path log) {
        this.name = name;
        this.driver = driver;
        this.process = process;
        this.log = log;
        this.stdin = process.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readStdout, "peer-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a process. A driver is asked to {@code quit} on {@link #close()}; any other process
     * (server, relay, broker) is terminated at once.
     */
    public static Peer start(String name, boolean driver, List<String> command, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Files.writeString(log, "$ " + String.join(" ", command) + "\n");
        return new Peer(name, driver, pb.start(), log);
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process is gone; fall through to EOF
        }
        lines.add(EOF);
    }

    /** Waits for the {@code ready} line. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        String line = nextLine(timeout);
        if (!DriverCommand.READY.equals(line)) {
            throw failure("printed '" + line + "' instead of 'ready'");
        }
    }

    /** Waits until a file (a socket) exists, failing early if the process dies. */
    public void awaitFile(Path file, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive()) {
                throw failure("exited (status " + process.exitValue() + ") before creating " + file);
            }
            if (System.nanoTime() > deadline) {
                throw failure("did not create " + file + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
    }

    /** Sends one line and returns the next line of output. */
    public String request(String line, Duration timeout) throws IOException, InterruptedException {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
        return nextLine(timeout);
    }

    private String nextLine(Duration timeout) throws IOException, InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw failure("gave no answer within " + timeout.toSeconds() + " s");
        }
        if (line.equals(EOF)) {
            lines.add(EOF);
            process.waitFor(2, TimeUnit.SECONDS);
            throw failure("exited" + (process.isAlive() ? "" : " with status " + process.exitValue()));
        }
        return line;
    }

    private IOException failure(String what) {
        return new IOException(name + " " + what + "; last lines of " + log + ":\n" + tail());
    }

    private String tail() {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 8), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Asks a driver to quit, then terminates the process and all it started. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            if (driver) {
                stdin.write(DriverCommand.QUIT + "\n");
                stdin.flush();
            }
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(driver ? 1000 : 0, TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle d : descendants) {
            d.destroy();
        }
        for (ProcessHandle d : descendants) {
            try {
                d.onExit().get(2, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                d.destroyForcibly();
            } catch (InterruptedException e) {
                d.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
