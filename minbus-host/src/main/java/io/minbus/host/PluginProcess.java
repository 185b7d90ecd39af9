package io.minbus.host;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A plugin the host started and supervises, across restarts. Thread-safe.
 *
 * <p>Listeners are called in order of events, one at a time per plugin, on a host thread (never
 * the caller's); they must not block for long.
 */
public interface PluginProcess extends AutoCloseable {

    /** The plugin's name. */
    String name();

    /** The spec it was started from. */
    PluginSpec spec();

    /** Its state now. */
    PluginState state();

    /** The process id of the current (or last) start; absent if no process was ever started. */
    OptionalLong pid();

    /** The exit code of the last start that ended; absent if none has ended yet. */
    OptionalInt exitCode();

    /** How many times the host restarted the plugin. */
    int restarts();

    /**
     * Why the last start failed (or why the plugin is {@link PluginState#FAILED}): a {@link
     * PluginStartException} with exit code and stderr tail, or a {@link PluginStartTimeoutException}.
     * Absent if the last start did not fail.
     */
    Optional<PluginException> failure();

    /** The last lines the plugin wrote to stderr, oldest first (of the current or last start). */
    List<String> stderrTail();

    /**
     * The write end of the plugin's stdin, for {@link StdinMode#PIPE}; a new stream after each
     * restart. Closing it gives the plugin end-of-file.
     *
     * @throws IllegalStateException if the stdin mode is not PIPE or no process was started
     */
    OutputStream stdin();

    /**
     * Waits until the plugin is in {@code state}.
     *
     * @return true if it is; false if the timeout passed or it reached a final state other than {@code state}
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitState(PluginState state, Duration timeout) throws InterruptedException;

    /**
     * Adds a listener for state changes from now on (to see every event from the first start, give it
     * to {@link Launcher.Builder#stateListener}).
     */
    void addStateListener(StateListener listener);

    /** Removes a state listener. */
    void removeStateListener(StateListener listener);

    /** Adds a listener for restarts from now on (see also {@link Launcher.Builder#restartListener}). */
    void addRestartListener(RestartListener listener);

    /** Removes a restart listener. */
    void removeRestartListener(RestartListener listener);

    /**
     * Stops the plugin (ask, SIGTERM, SIGKILL as in {@link StopTimeouts}, descendants included) and
     * cancels any pending restart. Idempotent.
     *
     * @return completes with this plugin when it is {@link PluginState#EXITED} (or FAILED if it
     *     could not be killed)
     */
    CompletableFuture<PluginProcess> stopAsync();

    /** Stops the plugin and waits until it has exited. Idempotent. */
    void stop();

    /** Same as {@link #stop()}. */
    @Override
    void close();

    /** Called when a plugin's state changes. */
    @FunctionalInterface
    interface StateListener {
        /**
         * The plugin went from {@code from} to {@code to}.
         *
         * @param plugin the plugin
         * @param from the previous state
         * @param to the new state
         */
        void stateChanged(PluginProcess plugin, PluginState from, PluginState to);
    }

    /** Called when the host schedules a restart. */
    @FunctionalInterface
    interface RestartListener {
        /**
         * The plugin ended and will be started again after {@code event.delay()}.
         *
         * @param plugin the plugin
         * @param event what ended and when the restart comes
         */
        void restarting(PluginProcess plugin, RestartEvent event);
    }

    /**
     * A scheduled restart.
     *
     * @param restart which restart this is in the plugin's life, from 1
     * @param consecutive which restart in the current series (the back-off exponent + 1), from 1
     * @param delay the back-off before the new start
     * @param exitCode how the ended start exited
     * @param failure why the ended start failed, absent after a clean exit (with {@link RestartPolicy.Mode#ALWAYS})
     */
    record RestartEvent(int restart, int consecutive, Duration delay, int exitCode, Optional<PluginException> failure) {}
}
