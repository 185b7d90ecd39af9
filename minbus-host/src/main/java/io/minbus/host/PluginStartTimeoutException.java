package io.minbus.host;

import java.io.Serial;
import io.minbus.host.internal.Durations;
import java.time.Duration;
import java.util.List;

/** A plugin did not become ready within its start timeout; the host stopped it. */
public class PluginStartTimeoutException extends PluginStartException {

    @Serial private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * Creates an exception.
     *
     * @param pluginName the plugin's name
     * @param timeout the start timeout that passed
     * @param exitCode the exit code after the host stopped it, or -1 if unknown
     * @param stderrTail the last stderr lines, oldest first
     */
    public PluginStartTimeoutException(String pluginName, Duration timeout, int exitCode, List<String> stderrTail) {
        super(pluginName,
                "plugin '" + pluginName + "' did not become ready within its start timeout of "
                        + Durations.text(timeout) + " and was stopped (raise PluginSpec.startTimeout if it "
                        + "needs longer, or check that it connects to MINBUS_ADDRESS)",
                exitCode, stderrTail, false, null);
        this.timeout = timeout;
    }

    /** The start timeout that passed. */
    public Duration timeout() {
        return timeout;
    }
}
