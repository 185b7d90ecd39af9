package io.minbus.host;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each step of stopping a plugin may take. Stopping goes:
 *
 * <ol>
 *   <li><b>ask</b>: the host closes the plugin's stdin pipe (if it has one) and its {@link StopHook}
 *       asks the plugin to stop (on the bus: the disconnection message or {@code cmd.stop}); if the
 *       hook could ask, the host waits up to {@code graceful} (default 5s) for the process to exit;
 *   <li><b>SIGTERM</b> to the process and all its descendants ({@link ProcessHandle#destroy()}); then
 *       it waits up to {@code terminate} (default 5s);
 *   <li><b>SIGKILL</b> to the process and all its descendants ({@link
 *       ProcessHandle#destroyForcibly()}), which cannot be refused.
 * </ol>
 *
 * If the hook could not ask (it returned false: for example the plugin never connected), SIGTERM
 * follows at once. Descendants still alive after the process exited get the same SIGTERM, SIGKILL sequence.
 *
 * @param graceful how long the plugin has to exit after being asked
 * @param terminate how long it has to exit after SIGTERM
 */
public record StopTimeouts(Duration graceful, Duration terminate) {

    /** 5s to exit after being asked, 5s after SIGTERM. */
    public static final StopTimeouts DEFAULT = new StopTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));

    /** Checks the arguments. */
    public StopTimeouts {
        Objects.requireNonNull(graceful, "graceful");
        Objects.requireNonNull(terminate, "terminate");
        if (graceful.isNegative() || terminate.isNegative()) {
            throw new IllegalArgumentException("stop timeouts must not be negative: " + graceful + ", " + terminate);
        }
    }
}
