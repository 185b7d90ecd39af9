package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.host.testing.RecordingLogger;
import io.minbus.host.testing.Scripts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A plugin writing much more than the log can take never blocks, and the host stays responsive. */
@Timeout(60)
class OutputFloodTest {

    private static final long FIFTY_MB = 50L * 1024 * 1024;

    @TempDir Path dir;

    @Test
    void fiftyMegabytesIntoABlockedLogNeitherBlockThePluginNorTheHost() throws Exception {
        RecordingLogger logs = RecordingLogger.blocked(); // every log call waits until release()
        try (Launcher launcher = Launcher.builder().address("unix:/nowhere").loggers(logs.factory()).build()) {
            Path flood = Scripts.sh(dir, "flood", "line=$(printf '%099d' 0)\n"
                    + "yes \"$line\" | head -c " + FIFTY_MB + "\n"
                    + "echo 'the last word' >&2\nexit 0");
            long started = System.nanoTime();
            PluginProcess p = launcher.launch(PluginSpec.of(flood));

            // the plugin writes all 50 MB and exits although not one line could be logged yet
            assertThat(p.awaitState(PluginState.EXITED, Duration.ofSeconds(30))).isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(logs.firstCall().await(0, TimeUnit.SECONDS)).as("the log was reached (and is stuck)").isTrue();
            assertThat(logs.messages("flood")).isEmpty();
            // the host answers at once meanwhile
            assertThat(p.exitCode()).hasValue(0);
            assertThat(p.stderrTail()).containsExactly("the last word"); // the tail is kept before any dropping
            assertThat(launcher.plugins()).isEmpty();

            logs.release();
            Pattern notice = Pattern.compile("\\[flood\\] (\\d+) lines of output dropped: the log could not keep up");
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.messages("flood").stream().anyMatch(m -> notice.matcher(m).matches()));
            long lines = FIFTY_MB / 100 + 1; // 100-byte stdout lines and the stderr line
            // every line is either logged or counted in a "dropped" notice
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<String> messages = logs.messages("flood");
                long dropped = messages.stream().map(notice::matcher).filter(Matcher::matches)
                        .mapToLong(m -> Long.parseLong(m.group(1))).sum();
                long logged = messages.stream().filter(m -> !notice.matcher(m).matches()).count();
                return logged + dropped == lines;
            });
            List<String> messages = logs.messages("flood");
            long logged = messages.stream().filter(m -> !notice.matcher(m).matches()).count();
            assertThat(logged).isLessThanOrEqualTo(4096 + 1); // the queue's bound, and the line the stuck log call held
            assertThat(took).isLessThan(Duration.ofSeconds(20));
            System.out.printf("50 MB flood: plugin done in %d ms, %d lines logged, %d dropped%n", took.toMillis(), logged,
                    lines - logged);
        }
    }

    @Test
    void overLongLinesAreSplitAt8KiB() throws Exception {
        RecordingLogger logs = RecordingLogger.open();
        try (Launcher launcher = Launcher.builder().address("unix:/nowhere").loggers(logs.factory()).build()) {
            Path longLine = Scripts.sh(dir, "long", "head -c 20000 /dev/zero | tr '\\0' 'y'\necho\nexit 0");
            PluginProcess p = launcher.launch(PluginSpec.of(longLine));
            assertThat(p.awaitState(PluginState.EXITED, Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("long").size() >= 3);
            assertThat(logs.messages("long")).extracting(m -> m.length() - "[long] ".length())
                    .containsExactly(8192, 8192, 20000 - 2 * 8192);
        }
    }
}
