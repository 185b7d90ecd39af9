package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.minbus.client.Channel;
import io.minbus.host.testing.RecordingLogger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** examples/python-echo/echo.py, a plugin written from the docs alone, launched and called by a Java host. */
@Timeout(120)
class PythonPluginTest {

    static final Path ECHO = Path.of("..", "examples", "python-echo", "echo.py").toAbsolutePath().normalize();

    private final RecordingLogger logs = RecordingLogger.open();
    private Host host;

    @BeforeEach
    void setUp() {
        assumeTrue(python3() != null, "python3 is not installed (not found in PATH): the Python plugin test needs it");
        host = Host.builder().launcher(b -> b.loggers(logs.factory()).shutdownHook(false)).build();
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
    }

    static String python3() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "python3"))) {
                return Path.of(dir, "python3").toString();
            }
        }
        return null;
    }

    @ParameterizedTest(name = "pipe mode {0}")
    @ValueSource(booleans = {false, true})
    void pythonPluginProvesItsSecretAndEchoes(boolean pipes) {
        PluginProcess py = host.launch(PluginSpec.builder(List.of(python3(), ECHO.toString())).name("pyecho")
                .pipeSession(pipes).startTimeout(Duration.ofSeconds(30)).build());
        assertThat(py.state()).isEqualTo(PluginState.RUNNING);
        assertThat(host.bus().plugins()).anyMatch(p -> p.name().equals("pyecho") && p.version() == 1);
        try (Channel ch = host.bus().connect("pyecho")) {
            assertThat(HostTest.roundTrip(ch, "hello from java")).isEqualTo("hello from java");
            // larger than the window and the frame: credit refills and partial payloads both ways
            byte[] big = new byte[300_000];
            new Random(1).nextBytes(big);
            ch.send(ByteBuffer.wrap(big.clone()));
            ByteBuffer back = ch.receive(Duration.ofSeconds(30)).orElseThrow();
            byte[] got = new byte[back.remaining()];
            back.get(got);
            assertThat(got).isEqualTo(big);
        }
        assertThat(logs.messages("pyecho")).anyMatch(m -> m.contains("the host accepted the launch proof"));
        py.stop();
        assertThat(py.exitCode()).hasValue(0);
    }

    @Test
    void pythonPluginRunByHandSaysSo() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(python3(), ECHO.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MINBUS_"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(out).contains(PluginEnvironment.NOT_LAUNCHED_MESSAGE);
    }
}
