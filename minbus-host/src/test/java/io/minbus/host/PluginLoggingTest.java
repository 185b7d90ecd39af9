package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.client.Channel;
import io.minbus.host.testing.JavaMains;
import io.minbus.host.testing.RecordingLogger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's logging, in a real child JVM whose class loading is logged ({@code -Xlog:class+load}):
 * a plugin that logs nothing never starts {@code java.util.logging} (3-25 ms of its start,
 * docs/benchmarks.md), and with debug logging switched on the frame log still shows every chunk.
 */
@Timeout(120)
class PluginLoggingTest {

    /** Classes that only a started {@code System.Logger} backend loads: the finder and JUL's manager. */
    private static final List<String> BACKEND = List.of("jdk.internal.logger.DefaultLoggerFinder ",
            "java.util.logging.LogManager ");

    @TempDir Path dir;

    private final RecordingLogger logs = RecordingLogger.open();
    private Host host;

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
    }

    /** Launches {@link BusPlugins.Echo} with {@code jvmOptions}, echoes one message, stops it; returns the classes it loaded. */
    private String runEcho(String name, String... jvmOptions) throws Exception {
        Path classes = dir.resolve(name + "-classes.txt");
        List<String> cmd = new ArrayList<>(List.of(JavaMains.java(), "-Xlog:class+load:file=" + classes,
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", JavaMains.classPath(), BusPlugins.Echo.class.getName()));
        host = Host.builder().launcher(b -> b.loggers(logs.factory()).shutdownHook(false)).build();
        PluginProcess echo = host.launch(PluginSpec.builder(cmd).name(name).startTimeout(Duration.ofSeconds(60)).build());
        try (Channel ch = host.bus().connect(name)) {
            assertThat(HostTest.roundTrip(ch, "hello")).isEqualTo("hello");
        }
        echo.stop();
        assertThat(echo.exitCode()).hasValue(0);
        String loaded = Files.readString(classes);
        assertThat(loaded).as("the class-loading log covers the plugin's run").contains("io.minbus.host.PluginRuntime ");
        return loaded;
    }

    @Test
    void aPluginThatLogsNothingNeverStartsTheLoggingBackend() throws Exception {
        String loaded = runEcho("quiet");
        // Runtime.exit asks the logger "java.lang.Runtime" whether to log the exit (JDK 21+), which
        // starts the backend as the JVM ends: the JDK's, not ours, and after the plugin's work
        int exit = loaded.indexOf("java.lang.Shutdown ");
        String beforeExit = exit < 0 ? loaded : loaded.substring(0, exit);
        assertThat(BACKEND).noneMatch(beforeExit::contains);
    }

    @Test
    void withDebugLoggingOnTheFrameLogShowsEveryChunk() throws Exception {
        Path config = dir.resolve("logging.properties");
        Files.writeString(config, """
                handlers=java.util.logging.ConsoleHandler
                java.util.logging.ConsoleHandler.level=ALL
                java.util.logging.SimpleFormatter.format=%3$s %5$s%n
                minbus.mux.frames.level=FINE
                """);
        // a java.util.logging configuration switches minbus's debug logging on (LazyLogger)
        String loaded = runEcho("loud", "-Djava.util.logging.config.file=" + config);
        assertThat(BACKEND).allMatch(loaded::contains); // the check above would see a started backend
        // the plugin's stderr, forwarded by the host: the 5-byte message in and out of the plugin
        assertThat(logs.messages("loud")).anyMatch(m -> m.matches(".*minbus\\.mux\\.frames .*<< \\S+#\\d+ payload\\(5\\).*"))
                .anyMatch(m -> m.matches(".*minbus\\.mux\\.frames .*>> \\S+#\\d+ payload\\(5\\).*"));
    }
}
