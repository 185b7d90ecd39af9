package io.minbus.host.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Signals a process and its descendants. Descendants are collected before the root dies (after
 * that they are re-parented and no longer found under it). {@link ProcessHandle}s remember the
 * process start time, so a pid reused by an unrelated process is never signalled.
 */
final class ProcessTree {

    /** How long to wait for processes to disappear after SIGKILL. */
    static final Duration AFTER_KILL = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(10);

    private final Set<ProcessHandle> members = new LinkedHashSet<>();

    ProcessTree(ProcessHandle root) {
        members.add(root);
        refresh();
    }

    /** Adds the current descendants of every member still alive. */
    void refresh() {
        for (ProcessHandle h : List.copyOf(members)) {
            if (Processes.isRunning(h)) {
                h.descendants().forEach(members::add);
            }
        }
    }

    /** SIGTERM to every member still alive. */
    void terminate() {
        refresh();
        members.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroy);
    }

    /** SIGKILL to every member still alive. */
    void kill() {
        refresh();
        members.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
    }

    /** Waits up to {@code timeout} for every member to be gone; returns true if they all are. */
    boolean awaitGone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (anyAlive()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            // polled, because a killed orphan stays a zombie (and "alive" to ProcessHandle) until init reaps it
            LockSupport.parkNanos(POLL.toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return !anyAlive();
            }
        }
        return true;
    }

    /** Whether any member is still running (a zombie is not). */
    boolean anyAlive() {
        return members.stream().anyMatch(Processes::isRunning);
    }

    @Override
    public String toString() {
        return members.stream().map(h -> h.pid() + (Processes.isRunning(h) ? "+" : "-")).toList().toString();
    }

    /**
     * SIGTERM to all, wait up to {@code grace}, SIGKILL to what is left, wait until gone.
     *
     * @return true if everything is gone
     */
    boolean terminateThenKill(Duration grace) {
        terminate();
        if (awaitGone(grace)) {
            return true;
        }
        kill();
        return awaitGone(AFTER_KILL);
    }
}
