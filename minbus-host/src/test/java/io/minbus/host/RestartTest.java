package io.minbus.host;

import static io.minbus.host.testing.Scripts.SIGNAL_READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.host.PluginProcess.RestartEvent;
import io.minbus.host.testing.FileReadiness;
import io.minbus.host.testing.RecordingLogger;
import io.minbus.host.testing.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Restart policies and back-off with real plugins that count their own starts in a file. */
@Timeout(60)
class RestartTest {

    private static final Duration INITIAL = Duration.ofMillis(50);
    private static final Duration MAX = Duration.ofMillis(120);

    @TempDir Path dir;

    private FileReadiness readiness;
    private Launcher launcher;

    @BeforeEach
    void setUp() throws Exception {
        readiness = new FileReadiness(Files.createDirectory(dir.resolve("ready")));
        launcher = Launcher.builder().address("unix:/nowhere").readiness(readiness)
                .loggers(RecordingLogger.open().factory()).build();
    }

    @AfterEach
    void tearDown() {
        launcher.close();
        readiness.close();
    }

    /** A plugin that adds a line to "starts" each time it runs, then runs {@code then} with $n = its start number. */
    private PluginSpec.Builder counting(String name, String then) {
        Path starts = dir.resolve("starts");
        return PluginSpec.builder(Scripts.sh(dir, name, "echo x >> " + starts + "\nn=$(wc -l < " + starts + ")\n" + then))
                .environment("READY_DIR", readiness.dir().toString());
    }

    private int starts() throws Exception {
        Path p = dir.resolve("starts");
        return Files.exists(p) ? Files.readAllLines(p).size() : 0;
    }

    @Test
    void restartsOnFailureWithExponentialBackoffUntilItStays() throws Exception {
        // fails three times before becoming ready, then stays up
        PluginSpec spec = counting("flaky", "if [ $n -le 3 ]; then echo \"attempt $n failed\" >&2; exit 1; fi\n"
                + SIGNAL_READY + "\nexec sleep 600")
                .restartPolicy(RestartPolicy.onFailure().withBackoff(INITIAL, MAX, Duration.ofMinutes(1))).build();
        List<RestartEvent> events = new CopyOnWriteArrayList<>();
        List<String> states = new CopyOnWriteArrayList<>();
        launcher.close();
        launcher = Launcher.builder().address("unix:/nowhere").readiness(readiness)
                .loggers(RecordingLogger.open().factory())
                .restartListener((plugin, e) -> events.add(e))
                .stateListener((plugin, from, to) -> states.add(to.name()))
                .build();
        PluginProcess p = launcher.start(spec);

        await().atMost(Duration.ofSeconds(10)).until(() -> p.state() == PluginState.RUNNING);

        assertThat(starts()).isEqualTo(4);
        assertThat(p.restarts()).isEqualTo(3);
        assertThat(events).extracting(RestartEvent::delay).containsExactly(INITIAL, INITIAL.multipliedBy(2), MAX);
        assertThat(events).extracting(RestartEvent::consecutive).containsExactly(1, 2, 3);
        assertThat(events).extracting(RestartEvent::exitCode).containsOnly(1);
        assertThat(events.get(2).failure()).get().asString().contains("attempt 3 failed");
        assertThat(states).containsExactly("RESTARTING", "STARTING", "RESTARTING", "STARTING", "RESTARTING", "STARTING", "RUNNING");
        assertThat(p.failure()).isEmpty();
        p.stop();
        assertThat(p.state()).isEqualTo(PluginState.EXITED);
    }

    @Test
    void aCrashAfterBecomingReadyIsRestartedToo() throws Exception {
        PluginSpec spec = counting("crashy", SIGNAL_READY + "\nif [ $n -le 2 ]; then exit 7; fi\nexec sleep 600")
                .restartPolicy(RestartPolicy.onFailure().withBackoff(INITIAL, MAX, Duration.ofMinutes(1))).build();
        PluginProcess p = launcher.start(spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> starts() == 3 && p.state() == PluginState.RUNNING);
        assertThat(p.restarts()).isEqualTo(2);
        assertThat(p.exitCode()).hasValue(7);
    }

    @Test
    void onFailureDoesNotRestartACleanExit() throws Exception {
        PluginSpec spec = counting("done", SIGNAL_READY + "\nsleep 0.2\nexit 0")
                .restartPolicy(RestartPolicy.onFailure().withBackoff(INITIAL, MAX, Duration.ofMinutes(1))).build();
        PluginProcess p = launcher.launch(spec);
        assertThat(p.awaitState(PluginState.EXITED, Duration.ofSeconds(10))).isTrue();
        assertThat(p.restarts()).isZero();
        assertThat(starts()).isEqualTo(1);
    }

    @Test
    void alwaysRestartsACleanExit() throws Exception {
        PluginSpec spec = counting("loop", SIGNAL_READY + "\nsleep 0.1\nexit 0")
                .restartPolicy(RestartPolicy.always().withBackoff(INITIAL, MAX, Duration.ofMinutes(1))).build();
        PluginProcess p = launcher.start(spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> starts() >= 3);
        p.stop();
        assertThat(p.state()).isEqualTo(PluginState.EXITED);
        int after = starts();
        assertThat(after).isGreaterThanOrEqualTo(3);
        assertThat(p.failure()).isEmpty();
    }

    @Test
    void neverMeansAFailureIsFinal() throws Exception {
        PluginSpec spec = counting("once", SIGNAL_READY + "\nsleep 0.2\necho 'disk full' >&2\nexit 4").build();
        PluginProcess p = launcher.launch(spec);
        assertThat(p.awaitState(PluginState.FAILED, Duration.ofSeconds(10))).isTrue();
        assertThat(p.failure()).get().isInstanceOfSatisfying(PluginStartException.class, e -> {
            assertThat(e.exitedAfterReady()).isTrue();
            assertThat(e.exitCode()).hasValue(4);
            assertThat(e.getMessage()).contains("plugin 'once' exited with code 4").contains("disk full");
        });
        assertThat(starts()).isEqualTo(1);
    }

    @Test
    void stoppingDuringTheBackoffCancelsTheRestart() throws Exception {
        PluginSpec spec = counting("dies", "exit 1")
                .restartPolicy(RestartPolicy.onFailure().withBackoff(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ZERO))
                .build();
        PluginProcess p = launcher.start(spec);
        assertThat(p.awaitState(PluginState.RESTARTING, Duration.ofSeconds(10))).isTrue();
        p.stop();
        assertThat(p.state()).isEqualTo(PluginState.EXITED);
        assertThat(starts()).isEqualTo(1);
    }

    @Test
    void launchGivesUpAfterAFailedFirstStartWhateverThePolicy() throws Exception {
        PluginSpec spec = counting("broken", "echo 'bad config' >&2\nexit 2")
                .restartPolicy(RestartPolicy.always().withBackoff(INITIAL, MAX, Duration.ZERO)).build();
        assertThatThrownBy(() -> launcher.launch(spec)).isInstanceOf(PluginStartException.class)
                .hasMessageContaining("exited with code 2 before becoming ready").hasMessageContaining("bad config");
        assertThat(launcher.plugins()).isEmpty();
        assertThat(starts()).isEqualTo(1);
    }
}
