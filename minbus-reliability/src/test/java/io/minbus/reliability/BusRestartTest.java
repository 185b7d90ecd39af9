package io.minbus.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.client.Channel;
import io.minbus.client.MinBusException;
import io.minbus.host.Host;
import io.minbus.host.HostedPlugin;
import io.minbus.host.PluginMain;
import io.minbus.host.PluginProcess;
import io.minbus.host.PluginSpec;
import io.minbus.host.PluginState;
import io.minbus.host.RestartPolicy;
import io.minbus.protocol.PluginInfo;
import io.minbus.transport.BusAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server faults, part two (docs/reliability.md section 3): the bus runs as a child JVM ({@link
 * BusMain}) on a Unix socket; a {@link Host} attached to it (in the test JVM) launches real plugin
 * processes, three Java plugins on the SDK ({@link EchoPluginMain}) with restart policy {@code
 * on-failure}, the Python example (policy {@code always}; like the SDK it exits 75 when its bus connection ends)
 * if python3 is installed, and one Java plugin without a restart policy. The bus is SIGKILLed, every
 * plugin process exits on its own, a new bus starts on the same socket, and every plugin with a
 * restart policy is restarted, registers again, is listed and answers; the one without stays gone.
 * No plugin process is left once the host closes.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BusRestartTest {
    /** The bus's heartbeat: generous, so that a loaded machine does not drop healthy plugins. */
    private static final String BUS_PING = "1000";
    private static final String BUS_TIMEOUT = "15000";
    /** Bounds for what may take a while on 2 loaded cores (JVM start-ups); the real figures are printed. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** echo-c's policy: 200ms, 400ms, 800ms, 800ms, ...: the cap within a few seconds. */
    private static final RestartPolicy SHORT = RestartPolicy.onFailure().withBackoff(Duration.ofMillis(200), Duration.ofMillis(800),
            Duration.ofSeconds(60));
    /** How many restarts of echo-c the bus stays down for in round 2: two steps, then three at the cap. */
    private static final int RESTARTS_WHILE_DOWN = 5;
    private static final Path PY_ECHO = Path.of("..", "examples", "python-echo", "echo.py").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** On every plugin's command line, to find every process the host ever started (orphans included). */
    private final String marker = "--minbus-test-marker=" + UUID.randomUUID();
    private final Logs logs = new Logs();
    private final Map<String, List<PluginProcess.RestartEvent>> restartEvents = new ConcurrentHashMap<>();
    private final List<ChildJvm> buses = new ArrayList<>();
    private Host host;

    @AfterEach
    void tearDown() {
        try {
            if (host != null) {
                host.close();
            }
        } finally {
            buses.forEach(ChildJvm::close);
            pluginProcesses().forEach(ProcessHandle::destroyForcibly); // only after a failed test
        }
    }

    @Test
    void pluginsWithARestartPolicyReRegisterEachTimeTheBusIsKilledAndRestarted() throws Exception {
        Path socket = dir.resolve("bus.sock");
        ChildJvm bus = startBus(socket);
        host = attachHost(new BusAddress.Unix(socket));
        Map<String, HostedPlugin> comeBack = new LinkedHashMap<>();
        for (String name : List.of("echo-a", "echo-b")) {
            comeBack.put(name, host.launch(java(name, RestartPolicy.onFailure()))); // default back-off: 500ms doubling to 30s
        }
        comeBack.put("echo-c", host.launch(java("echo-c", SHORT))); // reaches its cap while the bus is down in round 2
        Optional<String> python = python3();
        if (python.isPresent()) {
            comeBack.put("py-echo", host.launch(PluginSpec.builder(List.of(python.get(), PY_ECHO.toString(), marker))
                    .name("py-echo").restartPolicy(RestartPolicy.always()).startTimeout(PATIENCE).build()));
        } else {
            System.out.println("BusRestartTest: python3 is not installed (not found in PATH): the Python plugin is left out");
        }
        HostedPlugin once = host.launch(java("echo-once", RestartPolicy.never()));
        List<String> all = new ArrayList<>(comeBack.keySet());
        all.add("echo-once");
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> listed().containsAll(all) && all.stream().allMatch(this::answers));

        for (int round = 1; round <= 2; round++) {
            Map<String, Long> before = new LinkedHashMap<>();
            comeBack.forEach((name, p) -> before.put(name, p.pid().orElseThrow()));
            Map<String, Integer> eventsBefore = new LinkedHashMap<>();
            comeBack.keySet().forEach(name -> eventsBefore.put(name, events(name).size()));
            long onceBefore = once.pid().orElseThrow();

            long killed = System.nanoTime();
            bus.kill();
            assertThat(bus.awaitExit(30)).as("the bus JVM died of SIGKILL").isTrue();
            // every plugin sees the bus gone: its process ends on its own (the host does not stop it)
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                    .until(() -> before.values().stream().noneMatch(BusRestartTest::alive) && !alive(onceBefore));
            long allGone = System.nanoTime();
            // and says why: every plugin, the Python one included, exits 75 (connection lost, EX_TEMPFAIL)
            await().atMost(PATIENCE).until(() -> comeBack.keySet().stream().allMatch(n -> events(n).size() > eventsBefore.get(n)));
            comeBack.keySet().forEach(name -> {
                PluginProcess.RestartEvent first = events(name).get(eventsBefore.get(name));
                assertThat(first.exitCode()).as("%s's exit code after the bus was killed", name)
                        .isEqualTo(PluginMain.EXIT_CONNECTION_LOST);
            });
            if (round == 1) {
                await().atMost(PATIENCE).until(() -> once.state() == PluginState.FAILED);
                assertThat(once.exitCode()).hasValue(PluginMain.EXIT_CONNECTION_LOST);
                assertThat(once.failure().orElseThrow().getMessage()).contains("lost its bus connection");
            }

            if (round == 2) {
                // the bus stays down longer than several back-off steps: echo-c's restarts fail fast
                // (the bus is not reachable) and its wait grows to the cap and stays there
                int from = eventsBefore.get("echo-c");
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> events("echo-c").size() >= from + RESTARTS_WHILE_DOWN);
                List<PluginProcess.RestartEvent> ev = events("echo-c").subList(from, from + RESTARTS_WHILE_DOWN);
                for (int i = 0; i < ev.size(); i++) {
                    PluginProcess.RestartEvent e = ev.get(i);
                    assertThat(e.exitCode()).isEqualTo(PluginMain.EXIT_CONNECTION_LOST);
                    // the first: the running plugin lost the bus; the others: a start that failed fast
                    assertThat(e.failure().orElseThrow().getMessage().contains("before becoming ready"))
                            .as("restart %d after the bus was killed: %s", i + 1, e.failure().orElseThrow().getMessage())
                            .isEqualTo(i > 0);
                }
                assertThat(ev.get(ev.size() - 1).delay()).as("the back-off reached its cap").isEqualTo(SHORT.maxBackoff());
                // what the plugin and the host said is in the log: a clear error, not a stack trace
                assertThat(logs.lines).anyMatch(l -> l.contains("[echo-c] minbus plugin echo-c: the bus at unix:" + socket
                        + " is not reachable"));
                assertThat(logs.lines).anyMatch(l -> l.contains("[echo-c] plugin 'echo-c' exited with code 75")
                        && l.contains("before becoming ready") && l.contains("restarting in"));
                long down = System.nanoTime() - killed;
                int starts = comeBack.values().stream().mapToInt(p -> events(p.name()).size() - eventsBefore.get(p.name())).sum();
                System.out.printf("BusRestartTest round 2: bus down %d ms so far: %d plugin starts in all (%.2f per plugin"
                        + " per second); echo-c waits %s between starts (its cap), echo-a %s%n", ms(down), starts,
                        starts / (down / 1e9) / comeBack.size(), SHORT.maxBackoff(), events("echo-a").getLast().delay());
            }

            bus = startBus(socket);
            long busUp = System.nanoTime();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
                Set<String> names = listed();
                return comeBack.entrySet().stream().allMatch(e -> e.getValue().state() == PluginState.RUNNING
                        && e.getValue().pid().orElseThrow() != before.get(e.getKey())
                        && names.contains(e.getKey()) && answers(e.getKey()));
            });
            long back = System.nanoTime();
            System.out.printf("BusRestartTest round %d: %d plugins saw the SIGKILLed bus gone and exited within %d ms;"
                            + " bus down %d ms; after the new bus was up, all %d restart-policy plugins were re-registered"
                            + " and answering after %d ms (restarts: %s)%n",
                    round, before.size() + 1, ms(allGone - killed), ms(busUp - killed), comeBack.size(), ms(back - busUp),
                    comeBack.values().stream().map(p -> p.name() + "=" + p.restarts()).collect(Collectors.joining(", ")));
            // the plugin without a restart policy stays gone
            assertThat(once.state()).isEqualTo(PluginState.FAILED);
            assertThat(once.pid()).hasValue(onceBefore);
            assertThat(listed()).doesNotContain("echo-once");
        }

        // every wait followed the policy: min(max, initial x 2^(n-1)) for the n-th consecutive restart,
        // or none at all when the host's connection to the restarted bus came back (Launcher.skipBackoff)
        comeBack.forEach((name, p) -> {
            RestartPolicy policy = p.spec().restartPolicy();
            int previous = 0;
            for (PluginProcess.RestartEvent e : events(name)) {
                assertThat(e.consecutive()).as("%s restart %d", name, e.restart()).isIn(previous + 1, 1);
                assertThat(e.delay()).as("%s restart %d", name, e.restart()).isIn(policy.delayBefore(e.consecutive()), Duration.ZERO);
                previous = e.consecutive();
            }
        });
        System.out.println("BusRestartTest waits: " + comeBack.keySet().stream().map(n -> n + " " + events(n).stream()
                .map(e -> e.delay().toMillis() + "ms").toList()).collect(Collectors.joining("; ")));

        host.close();
        host = null;
        assertNoPluginProcessLeft();
    }

    /**
     * The default back-off (500ms doubling to 30s): the bus stays down until every plugin's wait has
     * been at 30 s (about 100 s), then comes back; the plugins do not wait out their 30 s.
     */
    @Test
    @Tag("soak")
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theBusStaysDownUntilTheDefaultBackoffReachedItsCap() throws Exception {
        busDownLongerThanTheBackoff(RestartPolicy.onFailure(), 8); // 0.5, 1, 2, 4, 8, 16, 30, 30 s
    }

    private void busDownLongerThanTheBackoff(RestartPolicy policy, int restartsWhileDown) throws Exception {
        Path socket = dir.resolve("bus.sock");
        ChildJvm bus = startBus(socket);
        host = attachHost(new BusAddress.Unix(socket));
        List<HostedPlugin> plugins = List.of(host.launch(java("echo-x", policy)), host.launch(java("echo-y", policy)));
        long killed = System.nanoTime();
        bus.kill();
        assertThat(bus.awaitExit(30)).isTrue();
        // the plugins exit, are restarted, fail fast (the bus is not reachable) and are restarted again
        // with a growing back-off, until it has been at its cap for a while
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100))
                .until(() -> plugins.stream().allMatch(p -> events(p.name()).size() >= restartsWhileDown));
        long down = System.nanoTime() - killed;
        for (HostedPlugin p : plugins) {
            List<PluginProcess.RestartEvent> ev = events(p.name()).subList(0, restartsWhileDown);
            for (int i = 0; i < ev.size(); i++) {
                PluginProcess.RestartEvent e = ev.get(i);
                assertThat(e.consecutive()).as("%s: the place of restart %d in the series", p.name(), i + 1).isEqualTo(i + 1);
                assertThat(e.delay()).as("%s: the wait before restart %d", p.name(), i + 1)
                        .isEqualTo(policy.delayBefore(i + 1)).isLessThanOrEqualTo(policy.maxBackoff());
                assertThat(e.exitCode()).isEqualTo(PluginMain.EXIT_CONNECTION_LOST);
                String failure = e.failure().orElseThrow().getMessage();
                if (i == 0) {
                    assertThat(failure).as("the running plugin lost the bus").doesNotContain("before becoming ready");
                } else {
                    assertThat(failure).as("a restart while the bus is down fails fast").contains("before becoming ready");
                }
            }
            assertThat(ev.get(ev.size() - 1).delay()).as("the back-off reached its cap").isEqualTo(policy.maxBackoff());
        }
        // what the plugin said is in the host's log: a clear error, not a stack trace
        assertThat(logs.lines).anyMatch(l -> l.contains("[echo-x] minbus plugin echo-x: the bus at unix:" + socket + " is not reachable"));
        assertThat(logs.lines).anyMatch(l -> l.contains("[echo-x] plugin 'echo-x' exited with code 75"));
        int spawnedWhileDown = plugins.stream().mapToInt(PluginProcess::restarts).sum();
        System.out.printf("BusRestartTest bus down %d ms: %d plugin starts in all (%.2f per plugin per second), last wait %s%n",
                ms(down), spawnedWhileDown, spawnedWhileDown / (down / 1e9) / plugins.size(),
                events("echo-x").get(events("echo-x").size() - 1).delay());

        startBus(socket);
        long busUp = System.nanoTime();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> listed().containsAll(List.of("echo-x", "echo-y")) && answers("echo-x") && answers("echo-y")
                        && plugins.stream().allMatch(p -> p.state() == PluginState.RUNNING));
        System.out.printf("BusRestartTest: after a bus outage of %d ms (back-off at its cap of %s), both plugins were"
                        + " re-registered and answering %d ms after the new bus was up%n",
                ms(busUp - killed), policy.maxBackoff(), ms(System.nanoTime() - busUp));
        host.close();
        host = null;
        assertNoPluginProcessLeft();
    }

    // ---- helpers ----

    private ChildJvm startBus(Path socket) throws Exception {
        // the bus's stderr (its log) is kept in target/ for a post-mortem
        Path log = Files.createDirectories(Path.of("target")).resolve("BusRestartTest-bus.log").toAbsolutePath();
        ChildJvm bus = ChildJvm.start("bus", log, BusMain.class, socket.toString(), BUS_PING, BUS_TIMEOUT);
        buses.add(bus);
        await().atMost(PATIENCE).until(() -> bus.lines.stream().anyMatch(l -> l.startsWith("READY")));
        return bus;
    }

    private Host attachHost(BusAddress address) {
        return Host.builder().attach(address).launcher(b -> b.loggers(logs).restartListener((p, e) ->
                restartEvents.computeIfAbsent(p.name(), n -> new CopyOnWriteArrayList<>()).add(e))).build();
    }

    private PluginSpec java(String name, RestartPolicy policy) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return PluginSpec.builder(List.of(java, "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                        "-cp", System.getProperty("java.class.path"), EchoPluginMain.class.getName(), marker))
                .name(name).restartPolicy(policy).startTimeout(PATIENCE).build();
    }

    private List<PluginProcess.RestartEvent> events(String name) {
        return restartEvents.getOrDefault(name, List.of());
    }

    private Set<String> listed() {
        return host.bus().plugins().stream().map(PluginInfo::name).collect(Collectors.toSet());
    }

    /** One request and its answer on a new channel from the host's current bus connection. */
    private boolean answers(String name) {
        String message = "hello " + name + " " + System.nanoTime();
        try (Channel ch = host.bus().connect(name)) {
            ch.send(ByteBuffer.wrap(message.getBytes(UTF_8)));
            return ch.receive(Duration.ofSeconds(20)).map(b -> UTF_8.decode(b).toString()).filter(message::equals).isPresent();
        } catch (MinBusException e) {
            return false;
        }
    }

    /** Every process whose command line carries this test's marker (whoever its parent is now). */
    private List<ProcessHandle> pluginProcesses() {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false)
                        || h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
                .toList();
    }

    private void assertNoPluginProcessLeft() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(pluginProcesses()).as("plugin processes left after the host closed").isEmpty());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static Optional<String> python3() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "python3"))) {
                return Optional.of(Path.of(d, "python3").toString());
            }
        }
        return Optional.empty();
    }

    /** The launcher's loggers: lines kept for assertions and printed for the record. */
    private static final class Logs implements Function<String, System.Logger> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public System.Logger apply(String name) {
            return new System.Logger() {
                @Override
                public String getName() {
                    return name;
                }

                @Override
                public boolean isLoggable(Level level) {
                    return level.getSeverity() >= Level.INFO.getSeverity();
                }

                @Override
                public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                    add(level, msg + (thrown == null ? "" : " " + thrown));
                }

                @Override
                public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                    add(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params));
                }

                private void add(Level level, String msg) {
                    if (isLoggable(level)) {
                        String line = level + " " + name + ": " + msg;
                        lines.add(line);
                        System.out.println(line);
                    }
                }
            };
        }
    }
}
