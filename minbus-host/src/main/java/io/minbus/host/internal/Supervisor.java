package io.minbus.host.internal;

import io.minbus.host.Launch;
import io.minbus.host.PluginException;
import io.minbus.host.PluginProcess;
import io.minbus.host.PluginSpec;
import io.minbus.host.PluginStartException;
import io.minbus.host.PluginStartTimeoutException;
import io.minbus.host.PluginState;
import io.minbus.host.RestartPolicy;
import io.minbus.host.StdinMode;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One supervised plugin: the state machine of {@link PluginState}. It is larger than the other
 * classes because it is the one place that orders the events of a plugin's life (started, ready,
 * timed out, exited, restart due, stop requested), which arrive on different threads. All state is
 * guarded by one lock; listeners run one at a time on a {@link SerialExecutor}; blocking work
 * (waiting for exits and output) runs on the launcher's virtual-thread workers, and timers on its
 * single timer thread.
 */
final class Supervisor implements PluginProcess {

    /** How long an ended process's output may still be read before its exit is handled. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);
    /** {@code PluginMain.EXIT_CONNECTION_LOST}. */
    private static final int EXIT_CONNECTION_LOST = 75;
    /** The place in a restart series stops counting here: the delay has long reached maxBackoff. */
    private static final int MAX_SERIES = 1 << 16;

    /** One start of the process. Fields other than the finals are guarded by the supervisor's lock. */
    private static final class Attempt {
        final int number;
        final Process process;
        final Launch launch;
        final OutputForwarder output;
        long readyAtNanos = -1;
        boolean timedOut;
        PluginException readinessFailure;
        boolean ended;
        ScheduledFuture<?> timeout;

        Attempt(int number, Process process, Launch launch, OutputForwarder output) {
            this.number = number;
            this.process = process;
            this.launch = launch;
            this.output = output;
        }
    }

    private final ProcessLauncher launcher;
    private final LauncherSettings settings;
    private final LaunchPlan plan;
    private final PluginSpec spec;
    private final String name;
    private final System.Logger log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final SerialExecutor events;
    private final List<StateListener> stateListeners = new CopyOnWriteArrayList<>();
    private final List<RestartListener> restartListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<PluginProcess> finished = new CompletableFuture<>();
    /** Completes with empty when the first start became ready, or with why it did not. */
    private final CompletableFuture<Optional<PluginException>> firstOutcome = new CompletableFuture<>();

    private PluginState state = PluginState.STARTING;
    private Attempt current;
    private int attempts;
    private int restarts;
    private int consecutive;
    private Integer lastExitCode;
    private PluginException failure;
    private boolean stopRequested;
    private ScheduledFuture<?> pendingRestart;
    /** Until when (System.nanoTime) the next restart skips its back-off; see {@link #skipBackoff()}. */
    private long skipBackoffUntil;
    private boolean skipBackoffSet;

    Supervisor(ProcessLauncher launcher, LaunchPlan plan) {
        this.launcher = launcher;
        this.settings = launcher.settings();
        this.plan = plan;
        this.spec = plan.spec();
        this.name = spec.name();
        this.events = new SerialExecutor(launcher.workers());
        this.log = settings.loggers().apply("minbus.host");
        stateListeners.addAll(settings.stateListeners());
        restartListeners.addAll(settings.restartListeners());
    }

    // ---- public API ----

    @Override
    public String name() {
        return name;
    }

    @Override
    public PluginSpec spec() {
        return spec;
    }

    @Override
    public PluginState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OptionalLong pid() {
        lock.lock();
        try {
            return current == null ? OptionalLong.empty() : OptionalLong.of(current.process.pid());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OptionalInt exitCode() {
        lock.lock();
        try {
            return lastExitCode == null ? OptionalInt.empty() : OptionalInt.of(lastExitCode);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int restarts() {
        lock.lock();
        try {
            return restarts;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<PluginException> failure() {
        lock.lock();
        try {
            return Optional.ofNullable(failure);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> stderrTail() {
        lock.lock();
        try {
            return current == null ? List.of() : current.output.stderrTail();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OutputStream stdin() {
        if (spec.stdin() != StdinMode.PIPE) {
            throw new IllegalStateException("plugin '" + name + "' has stdin mode " + spec.stdin()
                    + "; only StdinMode.PIPE gives the host its stdin");
        }
        lock.lock();
        try {
            if (current == null) {
                throw new IllegalStateException("plugin '" + name + "' has no process");
            }
            return current.process.getOutputStream();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitState(PluginState target, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                if (state == target) {
                    return true;
                }
                if (state.isFinal() || nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void addStateListener(StateListener listener) {
        stateListeners.add(listener);
    }

    @Override
    public void removeStateListener(StateListener listener) {
        stateListeners.remove(listener);
    }

    @Override
    public void addRestartListener(RestartListener listener) {
        restartListeners.add(listener);
    }

    @Override
    public void removeRestartListener(RestartListener listener) {
        restartListeners.remove(listener);
    }

    @Override
    public CompletableFuture<PluginProcess> stopAsync() {
        lock.lock();
        try {
            if (!stopRequested) {
                stopRequested = true;
                firstOutcome.complete(Optional.of(notReady("was stopped before it became ready")));
                switch (state) {
                    case RESTARTING -> {
                        pendingRestart.cancel(false);
                        transition(PluginState.EXITED);
                    }
                    case STARTING, RUNNING -> {
                        if (current == null) {
                            transition(PluginState.EXITED);
                        } else {
                            transition(PluginState.STOPPING);
                            Attempt a = current;
                            launcher.workers().execute(() -> stopSequence(a));
                        }
                    }
                    default -> { }
                }
            }
        } finally {
            lock.unlock();
        }
        return finished.copy();
    }

    @Override
    public void stop() {
        stopAsync().join();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "PluginProcess[" + name + " " + state() + " pid " + pid() + "]";
    }

    // ---- used by the launcher ----

    /** Starts the first process; throws if it cannot be started at all. */
    void startFirst() {
        startAttempt();
        lock.lock();
        try {
            if (state == PluginState.FAILED && current == null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the first start to become ready or fail. */
    Optional<PluginException> awaitFirstOutcome() {
        return firstOutcome.join();
    }

    /**
     * The bus is back: if waiting out a back-off, start now; if starting or running, let the next
     * restart (if it comes within the start timeout) skip its back-off once.
     *
     * @return true if a restart was started now
     */
    boolean skipBackoff() {
        lock.lock();
        try {
            if (stopRequested || state.isFinal()) {
                return false;
            }
            if (state == PluginState.RESTARTING && pendingRestart != null) {
                if (pendingRestart.cancel(false)) {
                    pendingRestart = null;
                    log(Level.INFO, () -> "[" + name + "] restarting now instead of waiting out the back-off: the bus is back");
                    launcher.workers().execute(this::startAttempt);
                    return true;
                }
                return false; // the restart is already under way
            }
            skipBackoffSet = true;
            skipBackoffUntil = System.nanoTime() + spec.startTimeout().toNanos();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Shutdown hook: no asking, no restarts; SIGTERM then SIGKILL the process tree. Blocks. */
    void killForShutdown() {
        Attempt a;
        lock.lock();
        try {
            stopRequested = true;
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
            }
            a = current;
        } finally {
            lock.unlock();
        }
        if (a != null && a.process.isAlive()) {
            closeQuietly(a);
            new ProcessTree(a.process.toHandle()).terminateThenKill(spec.stopTimeouts().terminate());
        }
    }

    // ---- the life of one start ----

    private void startAttempt() {
        Attempt a;
        lock.lock();
        try {
            pendingRestart = null;
            if (stopRequested || state.isFinal()) {
                return;
            }
            int number = ++attempts;
            String secret = ProcessLauncher.newSecret();
            Process process;
            try {
                process = LaunchPlan.spawn(plan.processBuilder(secret, settings.address(), settings.protocolVersions()));
            } catch (IOException | RuntimeException e) {
                failure = new PluginStartException(name, "plugin '" + name + "' could not be started ("
                        + String.join(" ", plan.command()) + "): " + e.getMessage(), -1, List.of(), false, e);
                firstOutcome.complete(Optional.of(failure));
                transition(PluginState.FAILED);
                return;
            }
            CompletableFuture<Integer> exit = process.onExit().thenApply(Process::exitValue);
            Launch launch = new Launch(spec, number, process.pid(), secret, exit, spec.pipeSession()
                    ? new Launch.Pipes(process.getInputStream(), process.getOutputStream()) : null);
            OutputForwarder output = new OutputForwarder(name, settings.loggers().apply("minbus.plugin." + name),
                    settings.stdoutLevel(), settings.stderrLevel(), settings.stderrTailLines());
            // in pipe mode stdout carries the bus session: only stderr is forwarded
            output.start("minbus-plugin-" + name + "#" + number,
                    spec.pipeSession() ? java.io.InputStream.nullInputStream() : process.getInputStream(), process.getErrorStream());
            a = new Attempt(number, process, launch, output);
            current = a;
            transition(PluginState.STARTING);
            log(Level.DEBUG, () -> "[" + name + "] started pid " + process.pid() + " (start " + number + ")");
            Attempt started = a;
            a.timeout = launcher.timer().schedule(() -> startTimedOut(started), spec.startTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
            exit.whenCompleteAsync((code, err) -> attemptEnded(started), launcher.workers());
            // the hook is called with the lock held (it must not block), so that a readiness that is
            // complete at once (Readiness.immediate) is applied before an exit that follows at once
            CompletionStage<?> ready;
            try {
                ready = settings.readiness().awaitReady(a.launch);
                if (ready == null) {
                    ready = CompletableFuture.failedFuture(new NullPointerException("the readiness hook returned null"));
                }
            } catch (RuntimeException e) {
                ready = CompletableFuture.failedFuture(e);
            }
            ready.whenComplete((v, err) -> readinessDone(started, err));
        } finally {
            lock.unlock();
        }
    }

    private void readinessDone(Attempt a, Throwable err) {
        lock.lock();
        try {
            if (current != a || a.ended || a.timedOut || state != PluginState.STARTING) {
                return; // late: the start already ended, timed out or is being stopped
            }
            if (err == null) {
                a.readyAtNanos = System.nanoTime();
                a.timeout.cancel(false);
                failure = null;
                skipBackoffSet = false;
                transition(PluginState.RUNNING);
                firstOutcome.complete(Optional.empty());
                log(Level.DEBUG, () -> "[" + name + "] ready (start " + a.number + ")");
                return;
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            a.readinessFailure = new PluginStartException(name, "plugin '" + name + "' did not become ready: its readiness"
                    + " check failed: " + cause.getMessage(), -1, a.output.stderrTail(), false, cause);
        } finally {
            lock.unlock();
        }
        killAttempt(a);
    }

    private void startTimedOut(Attempt a) {
        lock.lock();
        try {
            if (current != a || a.ended || state != PluginState.STARTING || a.readyAtNanos >= 0) {
                return;
            }
            a.timedOut = true;
        } finally {
            lock.unlock();
        }
        log(Level.WARNING, () -> "[" + name + "] not ready within " + Durations.text(spec.startTimeout()) + "; stopping it");
        killAttempt(a);
    }

    private void killAttempt(Attempt a) {
        launcher.workers().execute(() -> new ProcessTree(a.process.toHandle()).terminateThenKill(spec.stopTimeouts().terminate()));
    }

    /** On a worker thread, when a start's process has exited (not necessarily its descendants). */
    private void attemptEnded(Attempt a) {
        a.output.awaitEndOfOutput(OUTPUT_GRACE);
        int code = a.process.exitValue();
        lock.lock();
        try {
            a.ended = true;
            a.timeout.cancel(false);
            lastExitCode = code;
            if (stopRequested) {
                if (state != PluginState.STOPPING) {
                    transition(PluginState.EXITED); // killed by the shutdown hook
                }
                return; // otherwise the stop sequence finishes the job
            }
            boolean wasReady = a.readyAtNanos >= 0;
            List<String> tail = a.output.stderrTail();
            PluginException f;
            if (a.timedOut) {
                f = new PluginStartTimeoutException(name, spec.startTimeout(), code, tail);
            } else if (a.readinessFailure != null) {
                f = a.readinessFailure;
            } else if (!wasReady) {
                f = new PluginStartException(name, "plugin '" + name + "' exited with code " + describe(code)
                        + " before becoming ready", code, tail, false, null);
            } else if (code != 0) {
                f = new PluginStartException(name, "plugin '" + name + "' exited with code " + describe(code), code, tail, true, null);
            } else {
                f = null;
            }
            failure = f;
            if (!wasReady) {
                firstOutcome.complete(Optional.of(f));
            }
            RestartPolicy policy = spec.restartPolicy();
            if (policy.restarts(f != null)) {
                if (wasReady && System.nanoTime() - a.readyAtNanos >= policy.resetAfter().toNanos()) {
                    consecutive = 0;
                }
                if (consecutive < MAX_SERIES) {
                    consecutive++; // past MAX_SERIES the delay is maxBackoff anyway
                }
                restarts++;
                boolean skip = skipBackoffSet && System.nanoTime() - skipBackoffUntil < 0;
                skipBackoffSet = false;
                Duration delay = skip ? Duration.ZERO : policy.delayBefore(consecutive);
                transition(PluginState.RESTARTING);
                RestartEvent event = new RestartEvent(restarts, consecutive, delay, code, Optional.ofNullable(f));
                log(Level.INFO, () -> "[" + name + "] " + (f == null ? "exited with code 0" : f.getMessage().lines().findFirst().orElse(""))
                        + "; restarting in " + Durations.text(delay) + " (restart " + restarts + ")");
                events.execute(() -> restartListeners.forEach(l -> l.restarting(this, event)));
                pendingRestart = launcher.timer().schedule(() -> launcher.workers().execute(this::startAttempt),
                        delay.toNanos(), TimeUnit.NANOSECONDS);
            } else {
                if (f != null) {
                    log(Level.WARNING, f::getMessage);
                }
                transition(f == null ? PluginState.EXITED : PluginState.FAILED);
            }
        } finally {
            lock.unlock();
        }
    }

    /** On a worker thread: ask, SIGTERM, SIGKILL, as documented on {@code StopTimeouts}. */
    private void stopSequence(Attempt a) {
        ProcessTree tree = new ProcessTree(a.process.toHandle()); // descendants, before the root can die
        boolean asked = false;
        try {
            asked = settings.stopHook().requestStop(a.launch);
        } catch (RuntimeException e) {
            events.execute(() -> log.log(Level.WARNING, "[" + name + "] the stop hook failed; going on with SIGTERM", e));
        }
        closeQuietly(a); // a plugin reading its stdin lifeline sees end-of-file
        boolean exited = asked && waitFor(a.process, spec.stopTimeouts().graceful());
        if (!exited) {
            tree.terminate();
            exited = waitFor(a.process, spec.stopTimeouts().terminate());
        }
        if (!exited) {
            log(Level.WARNING, () -> "[" + name + "] did not exit after SIGTERM; sending SIGKILL");
            tree.kill();
            exited = waitFor(a.process, ProcessTree.AFTER_KILL);
        }
        if (tree.anyAlive()) {
            tree.terminateThenKill(spec.stopTimeouts().terminate()); // descendants left behind
        }
        a.output.awaitEndOfOutput(OUTPUT_GRACE);
        lock.lock();
        try {
            if (exited) {
                lastExitCode = a.process.exitValue();
                transition(PluginState.EXITED);
            } else {
                failure = new PluginException("plugin '" + name + "' (pid " + a.process.pid() + ") did not exit even after SIGKILL");
                transition(PluginState.FAILED);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- helpers ----

    /**
     * Logs to {@code minbus.host} on the event thread, in order with the listeners: never under the
     * lock nor on a caller's thread, so a slow log cannot stall the state machine.
     */
    private void log(Level level, java.util.function.Supplier<String> message) {
        events.execute(() -> log.log(level, message));
    }

    /** Changes state; call with the lock held. */
    private void transition(PluginState to) {
        PluginState from = state;
        if (from == to) {
            return;
        }
        state = to;
        changed.signalAll();
        events.execute(() -> stateListeners.forEach(l -> l.stateChanged(this, from, to)));
        if (to.isFinal()) {
            launcher.forget(this);
            plan.cleanup();
            events.execute(() -> finished.complete(this));
        }
    }

    private PluginStartException notReady(String what) {
        return new PluginStartException(name, "plugin '" + name + "' " + what, -1,
                current == null ? List.of() : current.output.stderrTail(), false, null);
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private void closeQuietly(Attempt a) {
        if (spec.stdin() == StdinMode.INHERIT) {
            return;
        }
        try {
            a.process.getOutputStream().close();
        } catch (IOException e) {
            // already closed or broken: the plugin sees end-of-file either way
        }
    }

    private static String describe(int code) {
        if (code == EXIT_CONNECTION_LOST) {
            return code + " (it lost its bus connection or its host's control channel)";
        }
        if (code > 128 && code < 128 + 65) {
            return code + " (128+" + (code - 128) + ": killed by signal " + (code - 128) + "?)";
        }
        return Integer.toString(code);
    }
}
