package io.minbus.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What a command talks to: standard input and output, the environment, and the stop signal that
 * ends the long-running commands ({@code serve}, {@code watch}, {@code register}). For the real
 * process the stop signal is SIGINT/SIGTERM (through a shutdown hook, which runs the clean-up
 * actions before the JVM exits); tests pass their own streams and call {@link #stop()}.
 */
final class Console {
    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    final Map<String, String> env;
    private final CompletableFuture<Void> stop = new CompletableFuture<>();

    Console(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.env = Map.copyOf(env);
    }

    /** This process's streams and environment; SIGINT/SIGTERM stop it. */
    static Console system() {
        Console c = new Console(System.in, System.out, System.err, System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "minbus-shutdown"));
        return c;
    }

    /** Runs {@code action} when the console is stopped (at once if it is already). */
    void onStop(Runnable action) {
        stop.thenRun(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                err.println("minbus: while stopping: " + e.getMessage());
            }
        });
    }

    /** Stops: runs the stop actions in this thread. Idempotent. */
    void stop() {
        stop.complete(null);
    }

    boolean stopped() {
        return stop.isDone();
    }

    /** Blocks until stopped. */
    void awaitStop() {
        stop.join();
    }
}
