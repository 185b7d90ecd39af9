package io.minbus.host;

/**
 * Where a supervised plugin is in its life.
 *
 * <pre>
 *   STARTING ──ready──▶ RUNNING ──stop()──▶ STOPPING ──▶ EXITED
 *      │                   │
 *      └──ended on its own─┴──▶ RESTARTING (back-off) ──▶ STARTING ...
 *                          └──▶ EXITED (exit code 0, no restart) | FAILED (no restart)
 * </pre>
 *
 * {@link #EXITED} and {@link #FAILED} are final.
 */
public enum PluginState {
    /** The process was started; the host waits for it to become ready (the readiness hook). */
    STARTING,
    /** The plugin is ready (on the bus: it proved its secret and registered). */
    RUNNING,
    /** The host is stopping the plugin: asked it to stop, then SIGTERM, then SIGKILL. */
    STOPPING,
    /** The process ended on its own and the host waits out the back-off before starting it again. */
    RESTARTING,
    /** Final: the host stopped the plugin, or it exited with code 0 and is not restarted. */
    EXITED,
    /** Final: the plugin failed (see {@link PluginProcess#failure()}) and is not restarted. */
    FAILED;

    /** True for {@link #EXITED} and {@link #FAILED}. */
    public boolean isFinal() {
        return this == EXITED || this == FAILED;
    }
}
