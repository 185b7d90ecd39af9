package io.minbus.host.internal;

import io.minbus.host.Launcher;
import io.minbus.host.PluginException;
import io.minbus.host.PluginProcess;
import io.minbus.host.PluginSpec;
import io.minbus.host.PluginVerificationException;
import io.minbus.host.SandboxUnavailableException;
import io.minbus.transport.internal.logging.LazyLogger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** The {@link Launcher}: prepares launch plans, owns the timer, the live set and the shutdown hook. */
public final class ProcessLauncher implements Launcher {

    private static final System.Logger LOG = LazyLogger.of("minbus.host");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LauncherSettings settings;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("minbus-host-worker-", 0).factory());
    private final Set<Supervisor> live = ConcurrentHashMap.newKeySet();
    private final Map<Path, Optional<String>> bwrapProbes = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread shutdownHook;
    private boolean closed;
    private Path verifiedBase;

    /** Creates a launcher (use {@code Launcher.builder()}). */
    public ProcessLauncher(LauncherSettings settings) {
        this.settings = settings;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "minbus-host-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        if (settings.shutdownHook()) {
            shutdownHook = new Thread(this::killAllOnShutdown, "minbus-host-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            shutdownHook = null;
        }
    }

    @Override
    public PluginProcess start(PluginSpec spec) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this launcher is closed");
            }
        } finally {
            lock.unlock();
        }
        LaunchPlan plan = plan(spec);
        Supervisor s = new Supervisor(this, plan);
        live.add(s);
        s.startFirst();
        return s;
    }

    @Override
    public PluginProcess launch(PluginSpec spec) {
        Supervisor s = (Supervisor) start(spec);
        Optional<PluginException> failure = s.awaitFirstOutcome();
        if (failure.isPresent()) {
            s.stop();
            throw failure.get();
        }
        return s;
    }

    @Override
    public int skipBackoff() {
        int now = 0;
        for (Supervisor s : List.copyOf(live)) {
            if (s.skipBackoff()) {
                now++;
            }
        }
        return now;
    }

    @Override
    public List<PluginProcess> plugins() {
        return List.copyOf(live);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        List<CompletableFuture<PluginProcess>> stops = new ArrayList<>();
        for (Supervisor s : List.copyOf(live)) {
            stops.add(s.stopAsync());
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture<?>[]::new)).join();
        timer.shutdownNow();
        workers.shutdown();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
    }

    LauncherSettings settings() {
        return settings;
    }

    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    ExecutorService workers() {
        return workers;
    }

    void forget(Supervisor s) {
        live.remove(s);
    }

    static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private LaunchPlan plan(PluginSpec spec) {
        String name = spec.name();
        spec.workingDirectory().ifPresent(d -> {
            if (!Files.isDirectory(d)) {
                throw Executables.notStarted(spec, "its working directory " + d + " does not exist");
            }
        });
        Path exe = Executables.resolve(spec);
        Path run = exe;
        Path copyDir = null;
        if (spec.verification().isPresent()) {
            run = Verifier.verifyAndCopy(name, exe, spec.verification().get(), verifiedBase());
            copyDir = run.getParent();
        } else if (settings.requireVerification()) {
            throw new PluginVerificationException(exe, "plugin '" + name + "' was not started: this host requires every"
                    + " plugin to be verified, and its spec has neither a SHA-256 nor a signature", "a SHA-256 or a signature", "");
        }
        List<String> command = new ArrayList<>(spec.wrapper());
        try {
            if (spec.sandbox().isPresent()) {
                Path bwrap = Bwrap.locate(name, settings.bwrap());
                Optional<String> problem = bwrapProbes.computeIfAbsent(bwrap, Bwrap::probe);
                if (problem.isPresent()) {
                    throw new SandboxUnavailableException(Bwrap.unavailable(name, problem.get()) + "; " + Bwrap.namespacesHint());
                }
                command.addAll(Bwrap.arguments(name, bwrap, spec.sandbox().get(), run, spec.workingDirectory(),
                        settings.address(), spec.stdin()));
            }
        } catch (RuntimeException e) {
            if (copyDir != null) {
                PrivateDirectory.deleteQuietly(copyDir);
            }
            throw e;
        }
        command.add(run.toString());
        command.addAll(spec.argv().subList(1, spec.argv().size()));
        LOG.log(System.Logger.Level.DEBUG, () -> "[" + name + "] command: " + String.join(" ", command));
        return new LaunchPlan(spec, List.copyOf(command), spec.sandbox().isPresent(), copyDir);
    }

    private Path verifiedBase() {
        lock.lock();
        try {
            if (verifiedBase == null) {
                verifiedBase = PrivateDirectory.ensure(settings.verifiedDirectory() != null
                        ? settings.verifiedDirectory() : PrivateDirectory.defaultVerifiedDirectory());
            }
            return verifiedBase;
        } finally {
            lock.unlock();
        }
    }

    /** The shutdown hook: no time to ask; SIGTERM then SIGKILL every plugin tree, in parallel. */
    private void killAllOnShutdown() {
        List<Supervisor> all = List.copyOf(live);
        if (all.isEmpty()) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "host is exiting: stopping " + all.size() + " plugin(s)");
        List<Thread> threads = new ArrayList<>();
        for (Supervisor s : all) {
            threads.add(Thread.ofVirtual().name("minbus-shutdown-" + s.name()).start(s::killForShutdown));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
