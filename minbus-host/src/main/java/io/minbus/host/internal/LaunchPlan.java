package io.minbus.host.internal;

import io.minbus.host.PluginEnvironment;
import io.minbus.host.PluginSpec;
import io.minbus.host.ProtocolVersions;
import io.minbus.host.StdinMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A spec turned into a command line, once per supervised plugin (restarts reuse it): the wrapper,
 * the bubblewrap arguments, the executable to run (the verified copy if there is one) and the
 * plugin's arguments. Each start adds its own secret to the environment.
 *
 * @param spec the plugin's spec
 * @param command the full command line
 * @param sandboxed whether bubblewrap is part of it (then the host's pid is not given: the sandbox
 *     hides it)
 * @param verifiedCopyDirectory the private directory holding the verified copy, or null
 */
record LaunchPlan(PluginSpec spec, List<String> command, boolean sandboxed, Path verifiedCopyDirectory) {

    /** How often a start is retried while the executable is briefly "Text file busy" (ETXTBSY). */
    private static final int BUSY_RETRIES = 5;

    /** The process builder for one start. */
    ProcessBuilder processBuilder(String secret, String address, List<Integer> protocolVersions) {
        ProcessBuilder pb = new ProcessBuilder(command);
        environment(pb.environment(), secret, address, protocolVersions);
        spec.workingDirectory().ifPresent(d -> pb.directory(d.toFile()));
        pb.redirectInput(spec.stdin() == StdinMode.INHERIT ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        return pb;
    }

    /**
     * Turns {@code env} (a copy of the host's environment) into the plugin's: without the host's own
     * {@code MINBUS_*} variables (a host that is itself a plugin must not pass on its secret), with
     * the spec's additions, and with the launch contract.
     */
    void environment(Map<String, String> env, String secret, String address, List<Integer> protocolVersions) {
        if (!spec.inheritEnvironment()) {
            env.clear();
        }
        env.keySet().removeIf(k -> k.startsWith("MINBUS_"));
        env.putAll(spec.environment());
        env.put(PluginEnvironment.ADDRESS, spec.pipeSession() ? PluginEnvironment.PIPE_ADDRESS : address);
        env.put(PluginEnvironment.SECRET, secret);
        env.put(PluginEnvironment.PROTOCOL_VERSIONS, ProtocolVersions.format(protocolVersions));
        env.put(PluginEnvironment.PLUGIN_NAME, spec.name());
        env.put(PluginEnvironment.STDIN, spec.pipeSession() ? StdinMode.PIPE.environmentValue() : spec.stdin().environmentValue());
        if (!sandboxed) {
            env.put(PluginEnvironment.HOST_PID, Long.toString(ProcessHandle.current().pid()));
        }
    }

    /**
     * Starts the process. A freshly written executable can be briefly "Text file busy" when another
     * thread of this JVM forks while the file is open for writing; that is retried a few times.
     */
    static Process spawn(ProcessBuilder pb) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return pb.start();
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                if (attempt > BUSY_RETRIES || !(m.contains("error=26") || m.contains("Text file busy"))) {
                    throw e;
                }
                LockSupport.parkNanos(attempt * 20_000_000L); // back-off before retrying the exec
            }
        }
    }

    /** Deletes the verified copy, if any. */
    void cleanup() {
        if (verifiedCopyDirectory != null) {
            PrivateDirectory.deleteQuietly(verifiedCopyDirectory);
        }
    }
}
