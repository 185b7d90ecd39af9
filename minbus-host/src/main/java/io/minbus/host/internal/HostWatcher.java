package io.minbus.host.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The plugin-side watchdog behind {@code PluginEnvironment.watchHost}: polls the host's process
 * handle (which carries the process start time, so a reused pid does not look alive) and, in
 * lifeline mode, reads stdin until end-of-file.
 */
public final class HostWatcher {

    private final AtomicBoolean done = new AtomicBoolean();
    private final Runnable onHostGone;

    private HostWatcher(Runnable onHostGone) {
        this.onHostGone = onHostGone;
    }

    /**
     * Starts watching.
     *
     * @param hostPid the host's pid, or negative if unknown
     * @param readStdin whether stdin is a lifeline to read until end-of-file
     * @param interval how often to check the pid
     * @param onHostGone run once when the host is gone
     */
    public static HostWatcher start(long hostPid, boolean readStdin, Duration interval, Runnable onHostGone) {
        HostWatcher w = new HostWatcher(onHostGone);
        if (hostPid >= 0) {
            Optional<ProcessHandle> host = ProcessHandle.of(hostPid);
            Thread t = new Thread(() -> w.poll(host, interval), "minbus-host-watch");
            t.setDaemon(true);
            t.start();
        }
        if (readStdin) {
            Thread t = new Thread(() -> w.drain(System.in), "minbus-host-lifeline");
            t.setDaemon(true);
            t.start();
        }
        return w;
    }

    /** Cancels the watch. */
    public void cancel() {
        done.set(true);
    }

    private void poll(Optional<ProcessHandle> host, Duration interval) {
        try {
            while (!done.get()) {
                if (host.isEmpty() || !Processes.isRunning(host.get())) {
                    fire();
                    return;
                }
                Thread.sleep(interval); // polling period, not synchronisation
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // the host never writes; anything read is ignored
            }
        } catch (IOException e) {
            // a broken stdin means the same as end-of-file
        }
        fire();
    }

    private void fire() {
        if (done.compareAndSet(false, true)) {
            onHostGone.run();
        }
    }
}
