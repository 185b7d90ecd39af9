package io.minbus.host;

import static io.minbus.host.testing.Scripts.SIGNAL_READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.host.internal.Processes;
import io.minbus.host.testing.FileReadiness;
import io.minbus.host.testing.RecordingLogger;
import io.minbus.host.testing.Scripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** States, readiness, start failures, stopping and the environment contract, with real /bin/sh plugins. */
@Timeout(60)
class LifecycleTest {

    @TempDir Path dir;

    private FileReadiness readiness;
    private RecordingLogger logs;
    private final List<String> stops = new CopyOnWriteArrayList<>();
    private Launcher launcher;

    @BeforeEach
    void setUp() throws Exception {
        readiness = new FileReadiness(Files.createDirectory(dir.resolve("ready")));
        logs = RecordingLogger.open();
        launcher = Launcher.builder()
                .address("unix:" + dir.resolve("bus.sock"))
                .protocolVersions(List.of(1, 2))
                .readiness(readiness)
                .stopHook(launch -> {
                    // the bus side would send cmd.stop; here: a file the plugin may watch
                    stops.add(launch.name());
                    try {
                        Files.writeString(dir.resolve("stop-" + launch.secret()), "stop");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return true;
                })
                .loggers(logs.factory())
                .build();
    }

    @AfterEach
    void tearDown() {
        launcher.close();
        readiness.close();
    }

    private PluginSpec.Builder plugin(String name, String body) {
        return PluginSpec.builder(Scripts.sh(dir, "minbus-plugin-" + name, body))
                .environment("READY_DIR", readiness.dir().toString())
                .environment("STOP_DIR", dir.toString())
                .stopTimeouts(new StopTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    /** Exits 0 when the stop hook writes its file. */
    private static final String UNTIL_ASKED = SIGNAL_READY
            + "\nwhile [ ! -e \"$STOP_DIR/stop-$MINBUS_PLUGIN_SECRET\" ]; do sleep 0.02; done\nexit 0";

    @Test
    void goesThroughItsStatesAndStopsWhenAsked() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        PluginProcess p = launcher.start(plugin("kv", UNTIL_ASKED).build());
        p.addStateListener((plugin, from, to) -> seen.add(from + ">" + to));
        assertThat(p.name()).isEqualTo("kv");
        assertThat(p.awaitState(PluginState.RUNNING, Duration.ofSeconds(10))).isTrue();
        assertThat(p.pid()).isPresent();
        assertThat(ProcessHandle.of(p.pid().getAsLong())).isPresent();
        assertThat(launcher.plugins()).containsExactly(p);

        p.stop();

        assertThat(p.state()).isEqualTo(PluginState.EXITED);
        assertThat(p.exitCode()).hasValue(0); // it left on its own when asked: no signal needed
        assertThat(stops).containsExactly("kv");
        // the listener was added after start() returned, so STARTING>RUNNING may have happened before it
        assertThat(seen).endsWith("RUNNING>STOPPING", "STOPPING>EXITED")
                .isSubsetOf("STARTING>RUNNING", "RUNNING>STOPPING", "STOPPING>EXITED");
        assertThat(p.failure()).isEmpty();
        assertThat(launcher.plugins()).isEmpty();
        p.stop(); // idempotent
    }

    @Test
    void givesEachStartTheEnvironmentContract() throws Exception {
        PluginProcess p = launcher.launch(plugin("env", "env | grep '^MINBUS_' | sort\n" + UNTIL_ASKED)
                .stdin(StdinMode.PIPE).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("env").size() >= 6);
        String secret = Files.list(readiness.dir()).findFirst().orElseThrow().getFileName().toString();
        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(logs.messages("env")).containsExactly(
                "[env] MINBUS_ADDRESS=unix:" + dir.resolve("bus.sock"),
                "[env] MINBUS_HOST_PID=" + ProcessHandle.current().pid(),
                "[env] MINBUS_PLUGIN_NAME=env",
                "[env] MINBUS_PLUGIN_SECRET=" + secret,
                "[env] MINBUS_PROTOCOL_VERSIONS=1,2",
                "[env] MINBUS_STDIN=pipe");
    }

    @Test
    void forwardsStdoutAtInfoAndStderrAtWarningUnderThePluginsLogger() throws Exception {
        launcher.launch(plugin("talk", "echo to-out\necho to-err >&2\n" + UNTIL_ASKED).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("talk").size() >= 2);
        assertThat(logs.entries()).filteredOn(e -> e.logger().equals("minbus.plugin.talk"))
                .extracting(e -> e.level() + " " + e.message())
                .containsExactlyInAnyOrder("INFO [talk] to-out", "WARNING [talk] to-err");
    }

    @Test
    void exitedBeforeReadyCarriesTheExitCodeAndTheLastStderrLines() {
        PluginSpec spec = plugin("crash", "i=1\nwhile [ $i -le 30 ]; do echo \"problem $i\" >&2; i=$((i+1)); done\nexit 3")
                .build();
        assertThatThrownBy(() -> launcher.launch(spec))
                .isInstanceOfSatisfying(PluginStartException.class, e -> {
                    assertThat(e).isNotInstanceOf(PluginStartTimeoutException.class);
                    assertThat(e.exitCode()).hasValue(3);
                    List<String> expected = new ArrayList<>();
                    for (int i = 11; i <= 30; i++) {
                        expected.add("problem " + i);
                    }
                    assertThat(e.stderrTail()).containsExactlyElementsOf(expected);
                    assertThat(e.getMessage())
                            .startsWith("plugin 'crash' exited with code 3 before becoming ready; last stderr lines:")
                            .contains("| problem 30")
                            .doesNotContain("problem 10\n");
                    assertThat(e.exitedAfterReady()).isFalse();
                });
    }

    @Test
    void aPluginThatIsNeverReadyTimesOutAndIsStopped() throws Exception {
        Path pidFile = dir.resolve("pid");
        PluginSpec spec = plugin("slow", "echo $$ > " + pidFile + "\necho 'still thinking' >&2\nexec sleep 600")
                .startTimeout(Duration.ofMillis(500)).build();
        long started = System.nanoTime();
        assertThatThrownBy(() -> launcher.launch(spec))
                .isInstanceOfSatisfying(PluginStartTimeoutException.class, e -> {
                    assertThat(e.timeout()).isEqualTo(Duration.ofMillis(500));
                    assertThat(e.getMessage()).contains("did not become ready within its start timeout of 500ms")
                            .contains("still thinking");
                    assertThat(e.exitCode()).hasValue(143); // SIGTERM
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(pid).map(Processes::isRunning).orElse(false)).isFalse();
    }

    @Test
    void aFailingReadinessCheckFailsTheStart() throws Exception {
        try (Launcher l = Launcher.builder().address("unix:/nowhere")
                .readiness(launch -> CompletableFuture.failedFuture(new IllegalStateException("wrong name registered")))
                .loggers(logs.factory()).build()) {
            assertThatThrownBy(() -> l.launch(PluginSpec.builder(Scripts.sh(dir, "idle", "exec sleep 600")).build()))
                    .isInstanceOf(PluginStartException.class)
                    .hasMessageContaining("readiness check failed: wrong name registered");
        }
    }

    @Test
    void stopEscalatesToSigtermThenSigkillAndKillsDescendants() throws Exception {
        Path kidFile = dir.resolve("kid");
        // ignores SIGTERM (and so does its child), never reads stdin, never watches for the stop file
        PluginSpec spec = plugin("stubborn", "trap '' TERM\nsleep 600 &\necho $! > " + kidFile + "\n" + SIGNAL_READY
                + "\nwhile :; do wait; done")
                .stopTimeouts(new StopTimeouts(Duration.ofMillis(200), Duration.ofMillis(300))).build();
        PluginProcess p = launcher.launch(spec);
        ProcessHandle kid = ProcessHandle.of(Long.parseLong(Files.readString(kidFile).strip())).orElseThrow();
        long started = System.nanoTime();

        p.stop();

        assertThat(p.exitCode()).hasValue(137); // SIGKILL
        assertThat(Processes.isRunning(kid)).as("the plugin's own child").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isBetween(Duration.ofMillis(500), Duration.ofSeconds(5)); // graceful 200ms + SIGTERM 300ms
        assertThat(p.state()).isEqualTo(PluginState.EXITED);
    }

    @Test
    void sigtermIsEnoughForAPluginThatHonoursIt() throws Exception {
        PluginSpec spec = plugin("polite", SIGNAL_READY + "\nexec sleep 600").stdin(StdinMode.INHERIT)
                .stopTimeouts(new StopTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30))).build();
        try (Launcher quiet = Launcher.builder().address("unix:/nowhere").readiness(readiness).loggers(logs.factory()).build()) {
            PluginProcess p = quiet.launch(spec);
            long started = System.nanoTime();
            p.stop(); // no stop hook: nothing to ask, straight to SIGTERM
            assertThat(p.exitCode()).hasValue(143);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void closingTheStdinLifelineIsAGracefulStop() throws Exception {
        // the bus side "asks", but this plugin only listens to its stdin lifeline
        try (Launcher l = Launcher.builder().address("unix:/nowhere").readiness(readiness).stopHook(launch -> true)
                .loggers(logs.factory()).build()) {
            PluginProcess p = l.launch(plugin("reader", SIGNAL_READY + "\nwhile read -r _; do :; done\necho bye\nexit 0").build());
            p.stop();
            assertThat(p.exitCode()).hasValue(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("reader").contains("[reader] bye"));
        }
    }

    @Test
    void pipeModeGivesTheHostThePluginsStdin() throws Exception {
        PluginProcess p = launcher.launch(plugin("echo", SIGNAL_READY + "\nwhile read -r line; do echo \"got $line\"; done")
                .stdin(StdinMode.PIPE).build());
        p.stdin().write("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
        p.stdin().flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("echo").size() >= 2);
        assertThat(logs.messages("echo")).containsExactly("[echo] got hello", "[echo] got world");
        p.stop();
        assertThat(p.exitCode()).hasValue(0);
    }

    @Test
    void stdinIsTheHostsOnlyInPipeMode() {
        PluginProcess p = launcher.launch(plugin("closed", UNTIL_ASKED).build());
        assertThatThrownBy(p::stdin).isInstanceOf(IllegalStateException.class).hasMessageContaining("PIPE");
        p.stop();
    }

    @Test
    void aWrapperCommandRunsInFrontOfThePlugin() throws Exception {
        launcher.launch(plugin("wrapped", "echo \"wrapped=$WRAPPED args=$*\"\n" + UNTIL_ASKED)
                .args("one", "two")
                .wrapper(List.of("/usr/bin/env", "WRAPPED=yes"))
                .build());
        await().atMost(Duration.ofSeconds(5)).until(() -> !logs.messages("wrapped").isEmpty());
        assertThat(logs.messages("wrapped")).containsExactly("[wrapped] wrapped=yes args=one two");
    }

    @Test
    void aMissingExecutableIsReportedClearly() {
        assertThatThrownBy(() -> launcher.start(PluginSpec.of(dir.resolve("minbus-plugin-ghost"))))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("plugin 'ghost' was not started")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> launcher.start(PluginSpec.builder(List.of("no-such-plugin-anywhere")).build()))
                .hasMessageContaining("'no-such-plugin-anywhere' was not found in PATH");
    }

    @Test
    void aClosedLauncherStopsItsPluginsAndRefusesMore() throws Exception {
        PluginProcess a = launcher.launch(plugin("a", UNTIL_ASKED).build());
        PluginProcess b = launcher.launch(plugin("b", UNTIL_ASKED).build());
        launcher.close();
        assertThat(a.state()).isEqualTo(PluginState.EXITED);
        assertThat(b.state()).isEqualTo(PluginState.EXITED);
        assertThatThrownBy(() -> launcher.start(plugin("c", UNTIL_ASKED).build())).isInstanceOf(IllegalStateException.class);
    }
}
