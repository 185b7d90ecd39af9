package io.minbus.host;

import java.io.Serial;
import java.util.List;
import java.util.OptionalInt;

/**
 * A plugin process did not become ready: it could not be started, it exited before becoming ready,
 * it did not become ready within its start timeout, or the readiness hook failed. Also used for a
 * plugin that exited on its own after becoming ready ({@link #exitedAfterReady()}).
 *
 * <p>Carries the exit code (absent if the process could not be started) and the last stderr lines
 * the plugin wrote, which the message repeats.
 */
public class PluginStartException extends PluginException {

    @Serial private static final long serialVersionUID = 1L;

    private final String pluginName;
    private final Integer exitCode;
    private final List<String> stderrTail;
    private final boolean exitedAfterReady;

    /**
     * Creates an exception.
     *
     * @param pluginName the plugin's name
     * @param message what happened, without the stderr tail (appended here)
     * @param exitCode the exit code, or -1 if the process never ran or has not exited
     * @param stderrTail the last stderr lines, oldest first
     * @param exitedAfterReady true if the plugin had become ready before it exited
     * @param cause the underlying failure, or null
     */
    public PluginStartException(
            String pluginName,
            String message,
            int exitCode,
            List<String> stderrTail,
            boolean exitedAfterReady,
            Throwable cause) {
        super(withTail(message, stderrTail), cause);
        this.pluginName = pluginName;
        this.exitCode = exitCode < 0 ? null : exitCode;
        this.stderrTail = List.copyOf(stderrTail);
        this.exitedAfterReady = exitedAfterReady;
    }

    /** The plugin's name. */
    public String pluginName() {
        return pluginName;
    }

    /** The process's exit code; absent if it never started or was still running when this was raised. */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /** The last lines the plugin wrote to stderr, oldest first (possibly empty). */
    public List<String> stderrTail() {
        return stderrTail;
    }

    /** True if the plugin had become ready and exited later on its own. */
    public boolean exitedAfterReady() {
        return exitedAfterReady;
    }

    private static String withTail(String message, List<String> tail) {
        if (tail.isEmpty()) {
            return message + "; it wrote nothing to stderr";
        }
        StringBuilder b = new StringBuilder(message).append("; last stderr lines:");
        for (String line : tail) {
            b.append("\n  | ").append(line);
        }
        return b.toString();
    }
}
