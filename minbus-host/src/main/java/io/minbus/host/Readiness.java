package io.minbus.host;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides when a started plugin is ready: the bus side's hook. The host calls it once per start,
 * right after the process started, and moves the plugin to {@link PluginState#RUNNING} when the
 * returned stage completes normally. {@link Host} implements it with the launch handshake ({@link
 * LaunchHandshake}): the plugin registered its name and answered a challenge with an HMAC keyed by
 * the launch's secret, so the secret itself never travels. (A bus side that receives the secret
 * itself would compare it with {@link Launch#matchesSecret}.)
 *
 * <p>If the stage completes exceptionally the start failed (the process is stopped, the restart
 * policy applies); if it does not complete within the spec's start timeout, the start timed out. A
 * stage that completes after the process ended is ignored. The hook must not block.
 */
@FunctionalInterface
public interface Readiness {

    /**
     * Starts watching for a launch to become ready.
     *
     * @param launch the new process, with its secret
     * @return completes when the plugin is ready
     */
    CompletionStage<?> awaitReady(Launch launch);

    /** Ready as soon as the process started: for plain executables that do not use the bus. */
    static Readiness immediate() {
        return launch -> CompletableFuture.completedFuture(null);
    }
}
