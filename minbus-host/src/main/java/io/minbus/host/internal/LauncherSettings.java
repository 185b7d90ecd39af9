package io.minbus.host.internal;

import io.minbus.host.PluginProcess;
import io.minbus.host.Readiness;
import io.minbus.host.StopHook;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The configuration of a {@link ProcessLauncher}, as collected by {@code Launcher.Builder}.
 *
 * @param address {@code MINBUS_ADDRESS}
 * @param protocolVersions {@code MINBUS_PROTOCOL_VERSIONS}
 * @param readiness the readiness hook
 * @param stopHook the ask-to-stop hook
 * @param loggers logger by name
 * @param stdoutLevel level of stdout lines
 * @param stderrLevel level of stderr lines
 * @param stderrTailLines stderr lines kept for messages
 * @param verifiedDirectory where verified copies go, or null for the default
 * @param bwrap the bwrap executable, or null to look it up in PATH
 * @param requireVerification refuse unverified plugins
 * @param shutdownHook install the JVM shutdown hook
 * @param stateListeners attached to every plugin before it starts
 * @param restartListeners attached to every plugin before it starts
 */
public record LauncherSettings(
        String address,
        List<Integer> protocolVersions,
        Readiness readiness,
        StopHook stopHook,
        Function<String, System.Logger> loggers,
        System.Logger.Level stdoutLevel,
        System.Logger.Level stderrLevel,
        int stderrTailLines,
        Path verifiedDirectory,
        Path bwrap,
        boolean requireVerification,
        boolean shutdownHook,
        List<PluginProcess.StateListener> stateListeners,
        List<PluginProcess.RestartListener> restartListeners) {}
