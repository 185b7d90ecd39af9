package io.minbus.host;

/**
 * Asks a plugin to stop: the bus side's hook ({@link Host} sends {@code MINBUS-STOP} on the plugin's
 * control channel, see {@link LaunchHandshake}). The first step of {@link StopTimeouts stopping}; if the process has not exited within
 * the graceful timeout the host sends SIGTERM. The hook must not block.
 */
@FunctionalInterface
public interface StopHook {

    /**
     * Asks the plugin to stop.
     *
     * @param launch the running start of the plugin
     * @return true if the request was sent (the host then waits the graceful timeout); false if the
     *     plugin cannot be asked (for example, it never connected)
     */
    boolean requestStop(Launch launch);

    /** Never asks (stopping closes the plugin's stdin pipe, then goes to SIGTERM). */
    static StopHook none() {
        return launch -> false;
    }
}
