package io.minbus.host.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process liveness that does not mistake a zombie for a running process. */
public final class Processes {

    private Processes() {}

    /**
     * Whether a process is alive and not a zombie. {@link ProcessHandle#isAlive()} is true for a
     * zombie, which has exited and only waits for its parent (for an orphan: init) to reap it; some
     * inits reap slowly.
     */
    public static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return h.isAlive(); // no /proc (not Linux), or the process just went away
        }
    }
}
