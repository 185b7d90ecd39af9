package io.minbus.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs {@code minbus} in this JVM with captured streams, for the in-process CLI tests. */
final class Cli {
    static final Duration WAIT = Duration.ofSeconds(20);

    private Cli() {}

    /** A finished run. */
    record Result(int exitCode, String out, String err) {}

    /** Runs to completion with {@code stdin} as standard input. */
    static Result run(Map<String, String> env, byte[] stdin, String... args) {
        Running r = start(env, new ByteArrayInputStream(stdin), args);
        return r.result();
    }

    static Result run(Map<String, String> env, String... args) {
        return run(env, new byte[0], args);
    }

    /** Starts a run on a thread of its own; its output is readable line by line as it comes. */
    static Running start(Map<String, String> env, InputStream stdin, String... args) {
        Lines out = new Lines();
        Lines err = new Lines();
        Console console = new Console(stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run(console, args),
                r -> Thread.ofPlatform().daemon().name("minbus-cli-test").start(r));
        return new Running(console, out, err, exit);
    }

    /** A run in progress. */
    record Running(Console console, Lines out, Lines err, CompletableFuture<Integer> exit) {
        /** The next line on standard output, waiting for it. */
        String nextLine() throws InterruptedException {
            String line = out.lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("no line on stdout within " + WAIT + "; stderr: " + err.text());
            }
            return line;
        }

        /** Sends the stop signal (as SIGINT/SIGTERM would) and waits for the exit code. */
        Result stop() {
            console.stop();
            return result();
        }

        Result result() {
            try {
                int code = exit.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                return new Result(code, out.text(), err.text());
            } catch (Exception e) {
                throw new AssertionError("minbus did not finish within " + WAIT + "; stdout: " + out.text()
                        + "; stderr: " + err.text(), e);
            }
        }
    }

    /** Captures bytes, and hands out complete lines as they arrive. */
    static final class Lines extends OutputStream {
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            all.write(b);
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }

        synchronized byte[] bytes() {
            return all.toByteArray();
        }
    }
}
