package io.minbus.host;

import io.minbus.host.internal.LauncherSettings;
import io.minbus.host.internal.ProcessLauncher;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Starts plugin executables and supervises them: the process half of a minbus host. The bus side
 * plugs in through {@link Readiness} (when is a start ready) and {@link StopHook} (ask a plugin to
 * stop), and gives the {@code MINBUS_ADDRESS} plugins connect back to.
 *
 * <p>Every plugin gets the environment contract of {@code docs/host.md}: {@code MINBUS_ADDRESS},
 * {@code MINBUS_PLUGIN_SECRET}, {@code MINBUS_PROTOCOL_VERSIONS}, {@code MINBUS_PLUGIN_NAME}, {@code
 * MINBUS_HOST_PID}, {@code MINBUS_STDIN}. Its stdout and stderr go line by line to the {@code
 * System.Logger} named {@code minbus.plugin.<name>}.
 *
 * <p>A JVM shutdown hook (normal exit, SIGTERM, SIGINT) kills every plugin still running;
 * {@link #close()} stops them gracefully and removes the hook.
 */
public interface Launcher extends AutoCloseable {

    /** A builder; {@link Builder#address} is required. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies and starts a plugin and returns at once, in {@link PluginState#STARTING}; it is then
     * supervised according to its restart policy.
     *
     * @throws PluginVerificationException if the executable does not match its verification
     * @throws SandboxUnavailableException if its sandbox cannot be applied
     * @throws PluginStartException if the process cannot be started at all (not found, not executable)
     * @throws IllegalStateException if this launcher is closed
     */
    PluginProcess start(PluginSpec spec);

    /**
     * Starts a plugin and waits until it is ready. If the first start fails, the plugin is stopped
     * (no restarts) and the failure thrown: the caller gets a running plugin or an exception.
     *
     * @throws PluginStartException if it exited before becoming ready (with exit code and stderr
     *     tail), or {@link PluginStartTimeoutException} if it did not become ready in time
     * @throws PluginVerificationException if the executable does not match its verification
     * @throws SandboxUnavailableException if its sandbox cannot be applied
     */
    PluginProcess launch(PluginSpec spec);

    /**
     * Cuts the restart back-off short once, for a cause outside the plugins: every plugin waiting out
     * its back-off ({@link PluginState#RESTARTING}) is started now, and for every plugin starting or
     * running, its next restart (if it comes within its start timeout) does not wait. The count of
     * consecutive restarts is not reset. {@link Host} calls this when its connection to a restarted
     * bus is back (docs/host.md section 5.1): the plugins failed because the bus was gone, and
     * should not wait up to {@code maxBackoff} to come back.
     *
     * @return how many plugins were restarted now
     */
    int skipBackoff();

    /** The plugins started by this launcher that are not yet in a final state. */
    List<PluginProcess> plugins();

    /** Stops every plugin (in parallel), deletes the verified copies and removes the shutdown hook. */
    @Override
    void close();

    /** Builds a {@link Launcher}. */
    final class Builder {
        private String address;
        private List<Integer> protocolVersions = ProtocolVersions.SUPPORTED;
        private Readiness readiness = Readiness.immediate();
        private StopHook stopHook = StopHook.none();
        private Function<String, System.Logger> loggers = System::getLogger;
        private System.Logger.Level stdoutLevel = System.Logger.Level.INFO;
        private System.Logger.Level stderrLevel = System.Logger.Level.WARNING;
        private int stderrTailLines = 20;
        private Path verifiedDirectory;
        private Path bwrap;
        private boolean requireVerification;
        private boolean shutdownHook = true;
        private final java.util.List<PluginProcess.StateListener> stateListeners = new java.util.ArrayList<>();
        private final java.util.List<PluginProcess.RestartListener> restartListeners = new java.util.ArrayList<>();

        private Builder() {}

        /** The bus address given to plugins as {@code MINBUS_ADDRESS} (required), e.g. {@code unix:/run/user/1000/minbus/bus.sock}. */
        public Builder address(String address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The protocol versions offered in {@code MINBUS_PROTOCOL_VERSIONS} (default {@link ProtocolVersions#SUPPORTED}). */
        public Builder protocolVersions(List<Integer> versions) {
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("offer at least one protocol version");
            }
            this.protocolVersions = List.copyOf(versions);
            return this;
        }

        /** When a started plugin counts as ready (default {@link Readiness#immediate()}). */
        public Builder readiness(Readiness readiness) {
            this.readiness = Objects.requireNonNull(readiness, "readiness");
            return this;
        }

        /** How to ask a plugin to stop (default {@link StopHook#none()}). */
        public Builder stopHook(StopHook hook) {
            this.stopHook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** Where plugin output goes: logger by name (default {@link System#getLogger(String)}). */
        public Builder loggers(Function<String, System.Logger> loggers) {
            this.loggers = Objects.requireNonNull(loggers, "loggers");
            return this;
        }

        /** The levels of stdout and stderr lines (default INFO and WARNING). */
        public Builder outputLevels(System.Logger.Level stdout, System.Logger.Level stderr) {
            this.stdoutLevel = Objects.requireNonNull(stdout, "stdout");
            this.stderrLevel = Objects.requireNonNull(stderr, "stderr");
            return this;
        }

        /** How many stderr lines are kept for error messages (default 20). */
        public Builder stderrTailLines(int lines) {
            if (lines < 0) {
                throw new IllegalArgumentException("stderrTailLines must not be negative: " + lines);
            }
            this.stderrTailLines = lines;
            return this;
        }

        /**
         * Where verified copies of executables are written (default {@code
         * $XDG_RUNTIME_DIR/minbus/verified}, else {@code <tmpdir>/minbus-<user>/verified}); created
         * with mode 0700 and refused if another user owns it or others can write to it.
         */
        public Builder verifiedDirectory(Path dir) {
            this.verifiedDirectory = dir.toAbsolutePath().normalize();
            return this;
        }

        /** The bubblewrap executable for sandboxes (default: {@code bwrap} found in PATH). */
        public Builder bwrap(Path bwrap) {
            this.bwrap = bwrap.toAbsolutePath();
            return this;
        }

        /** Refuse plugins whose spec has no {@link Verification} (default false). */
        public Builder requireVerification(boolean require) {
            this.requireVerification = require;
            return this;
        }

        /** Whether to install the JVM shutdown hook that kills running plugins (default true). */
        public Builder shutdownHook(boolean install) {
            this.shutdownHook = install;
            return this;
        }

        /**
         * A state listener attached to every plugin before it starts, so it sees every event
         * (one added with {@link PluginProcess#addStateListener} sees those after it was added).
         */
        public Builder stateListener(PluginProcess.StateListener listener) {
            stateListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** A restart listener attached to every plugin before it starts. */
        public Builder restartListener(PluginProcess.RestartListener listener) {
            restartListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Builds the launcher. */
        public Launcher build() {
            if (address == null) {
                throw new IllegalStateException("Launcher.builder().address(...) is required: the bus address plugins connect back to");
            }
            return new ProcessLauncher(new LauncherSettings(address, protocolVersions, readiness, stopHook, loggers,
                    stdoutLevel, stderrLevel, stderrTailLines, verifiedDirectory, bwrap, requireVerification,
                    shutdownHook, List.copyOf(stateListeners), List.copyOf(restartListeners)));
        }
    }
}
