package io.minbus.host;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A plugin started by an earlier host and re-adopted by {@link Host#reattach()} (docs/host.md
 * section 15). Limits: its stdout and stderr are not forwarded (they were pipes to the earlier host),
 * it is not restarted, and stopping it is SIGTERM then SIGKILL (no control channel). The process is
 * identified by pid and start time, so a recycled pid is never signalled.
 */
public final class AdoptedPlugin {

    private final String name;
    private final ProcessHandle process;
    private final HostState state;

    AdoptedPlugin(String name, ProcessHandle process, HostState state) {
        this.name = name;
        this.process = process;
        this.state = state;
        process.onExit().thenRun(() -> state.forget(this));
    }

    /** The plugin's name on the bus. */
    public String name() {
        return name;
    }

    /** Its process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes when the process ends. */
    public CompletableFuture<ProcessHandle> onExit() {
        return process.onExit();
    }

    /** SIGTERM, then SIGKILL after {@code terminate}; returns once the process is gone (or after 10 s more). */
    public void stop(Duration terminate) {
        process.destroy();
        if (!await(terminate)) {
            process.destroyForcibly();
            await(Duration.ofSeconds(10));
        }
        state.forget(this);
    }

    private boolean await(Duration d) {
        try {
            process.onExit().get(d.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public String toString() {
        return "AdoptedPlugin[" + name + " pid " + process.pid() + "]";
    }
}
