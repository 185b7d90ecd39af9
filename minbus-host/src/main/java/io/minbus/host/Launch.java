package io.minbus.host;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One start of a plugin process, as the bus side sees it: which plugin, which attempt, its process
 * id, and the one-time secret it was given in {@code MINBUS_PLUGIN_SECRET}. The host creates a new
 * {@code Launch} (and a new secret) for every start, restarts included.
 *
 * <p>The bus side keeps pending launches, and when a connection presents a secret it finds the
 * launch with {@link #matchesSecret} (constant time), completes that launch's readiness stage, and
 * forgets the secret (it is good for one connection). {@link #exit()} completes when the process
 * ends, so the bus side can drop launches that never connected.
 */
public final class Launch {

    private final PluginSpec spec;
    private final int attempt;
    private final long pid;
    private final String secret;
    private final CompletableFuture<Integer> exit;
    private final Pipes pipes;

    /**
     * The plugin's stdout (read) and stdin (write) in pipe mode, where its bus session runs over them.
     *
     * @param fromPlugin the plugin's stdout
     * @param toPlugin the plugin's stdin
     */
    public record Pipes(java.io.InputStream fromPlugin, java.io.OutputStream toPlugin) {}

    /**
     * Creates a launch record (the host does this; public for test kits).
     *
     * @param spec the plugin's spec
     * @param attempt which start this is, from 1
     * @param pid the process id (of the outermost process: the wrapper or {@code bwrap} if any)
     * @param secret the secret in the plugin's environment, 64 hex digits
     * @param exit completes with the exit code when the process ends
     */
    public Launch(PluginSpec spec, int attempt, long pid, String secret, CompletionStage<Integer> exit) {
        this(spec, attempt, pid, secret, exit, null);
    }

    /**
     * Creates a launch record with the plugin's session pipes (pipe mode; null otherwise).
     *
     * @param spec the plugin's spec
     * @param attempt which start this is, from 1
     * @param pid the process id
     * @param secret the secret in the plugin's environment
     * @param exit completes with the exit code when the process ends
     * @param pipes the plugin's stdout and stdin in pipe mode, or null
     */
    public Launch(PluginSpec spec, int attempt, long pid, String secret, CompletionStage<Integer> exit, Pipes pipes) {
        this.pipes = pipes;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.attempt = attempt;
        this.pid = pid;
        this.secret = Objects.requireNonNull(secret, "secret");
        this.exit = exit.toCompletableFuture().copy();
    }

    /** The plugin's name. */
    public String name() {
        return spec.name();
    }

    /** The plugin's spec. */
    public PluginSpec spec() {
        return spec;
    }

    /** Which start of this plugin this is, from 1. */
    public int attempt() {
        return attempt;
    }

    /** The process id the host started (the wrapper's or {@code bwrap}'s if there is one). */
    public long pid() {
        return pid;
    }

    /** The one-time secret (64 lower-case hex digits), as in {@code MINBUS_PLUGIN_SECRET}. */
    public String secret() {
        return secret;
    }

    /** In pipe mode, the pipes the plugin's bus session runs over (the bus side bridges them into the bus). */
    public java.util.Optional<Pipes> pipes() {
        return java.util.Optional.ofNullable(pipes);
    }

    /** Whether {@code presented} equals this launch's secret; compares in constant time. */
    public boolean matchesSecret(String presented) {
        return MessageDigest.isEqual(
                secret.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** Completes with the exit code when the process ends. */
    public CompletionStage<Integer> exit() {
        return exit.minimalCompletionStage();
    }

    /** Names the plugin, attempt and pid; never shows the secret. */
    @Override
    public String toString() {
        return "Launch[" + spec.name() + " attempt " + attempt + " pid " + pid + "]";
    }
}
