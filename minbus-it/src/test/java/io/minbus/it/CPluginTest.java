package io.minbus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.minbus.client.Channel;
import io.minbus.host.Host;
import io.minbus.host.PluginEnvironment;
import io.minbus.host.PluginProcess;
import io.minbus.host.PluginSpec;
import io.minbus.host.PluginState;
import io.minbus.server.MinBusServer;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * examples/c-echo/echo.c, a plugin written in C from the docs alone, compiled with gcc, launched by
 * a Java host as a real process and called through the bus. Skipped when no C compiler is installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CPluginTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final Path SOURCE = Path.of("..", "examples", "c-echo", "echo.c").toAbsolutePath().normalize();

    @TempDir
    static Path build;
    private static Path plugin;

    @BeforeAll
    static void compile() throws Exception {
        String cc = onPath("gcc") ? "gcc" : onPath("cc") ? "cc" : null;
        assumeTrue(cc != null, "no C compiler (gcc or cc) in PATH: the C plugin test compiles examples/c-echo/echo.c;"
                + " install gcc (apt-get install gcc) to run it");
        plugin = build.resolve("c-echo");
        Path log = build.resolve("cc.log");
        Process p = new ProcessBuilder(cc, "-O2", "-Wall", "-Wextra", "-o", plugin.toString(), SOURCE.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).as("compiler warnings").isEmpty();
    }

    @ParameterizedTest(name = "pipe mode {0}")
    @ValueSource(booleans = {false, true})
    void cPluginProvesItsSecretEchoesAndStops(boolean pipes) {
        try (Host host = Host.builder().launcher(b -> b.shutdownHook(false)).build()) {
            PluginProcess c = host.launch(PluginSpec.builder(List.of(plugin.toString())).name("cecho")
                    .pipeSession(pipes).startTimeout(T).build());
            assertThat(c.state()).isEqualTo(PluginState.RUNNING);
            assertThat(host.bus().plugins()).anyMatch(p -> p.name().equals("cecho") && p.version() == 1);
            try (Channel ch = host.bus().connect("cecho")) {
                assertThat(roundTrip(ch, "hello from java")).isEqualTo("hello from java");
                ch.send(ByteBuffer.allocate(0));
                assertThat(ch.receive(T).orElseThrow().remaining()).isZero();
                // larger than the C plugin's window (64 KiB) and frame: credit and partial payloads both ways
                byte[] big = new byte[300_000];
                new Random(1).nextBytes(big);
                ch.send(ByteBuffer.wrap(big.clone()));
                assertThat(bytes(ch.receive(T).orElseThrow())).isEqualTo(big);
                // several messages in flight, answered in order
                for (int i = 0; i < 100; i++) {
                    ch.send(ByteBuffer.wrap(("m" + i).getBytes(StandardCharsets.UTF_8)));
                }
                for (int i = 0; i < 100; i++) {
                    assertThat(StandardCharsets.UTF_8.decode(ch.receive(T).orElseThrow()).toString()).isEqualTo("m" + i);
                }
            }
            // a new channel after the first one closed: the plugin forgot the old one and serves the next
            try (Channel again = host.bus().connect("cecho")) {
                assertThat(roundTrip(again, "again")).isEqualTo("again");
            }
            // a caller that stops reading (cancels the half the plugin writes) and goes on sending: the plugin
            // drops what it can no longer echo and keeps granting credit (500 KB through its 64 KiB window)
            try (Channel deaf = host.bus().connect("cecho")) {
                deaf.cancel(ByteBuffer.allocate(0));
                for (int i = 0; i < 50; i++) {
                    deaf.send(ByteBuffer.allocate(10_000));
                }
            }
            try (Channel last = host.bus().connect("cecho")) {
                assertThat(roundTrip(last, "still there")).isEqualTo("still there");
            }
            assertThat(c.stderrTail()).anyMatch(l -> l.contains("the host accepted the launch proof"));
            c.stop();
            assertThat(c.state()).isEqualTo(PluginState.EXITED);
            assertThat(c.exitCode()).hasValue(0);
            // the host sends MINBUS-STOP and closes the plugin's stdin (the lifeline, or the session in pipe
            // mode) at the same moment (docs/host.md 8.2): the plugin may see either first; both mean stop
            assertThat(c.stderrTail()).anyMatch(l -> l.contains("the host asked us to stop") || l.contains("the host is gone")
                    || l.contains("the session on stdin/stdout ended"));
        }
    }

    @Test
    void cPluginExitsWith75WhenTheBusGoesAway() throws Exception {
        MinBusServer server = MinBusServer.embedded();
        try (Host host = Host.builder().attach(server.addresses().getFirst()).launcher(b -> b.shutdownHook(false)).build()) {
            PluginProcess c = host.launch(PluginSpec.builder(List.of(plugin.toString())).name("cecho").startTimeout(T).build());
            assertThat(c.state()).isEqualTo(PluginState.RUNNING);
            server.close();
            assertThat(c.awaitState(PluginState.FAILED, T)).as("state %s", c.state()).isTrue();
            assertThat(c.exitCode()).hasValue(75);
            assertThat(c.stderrTail()).anyMatch(l -> l.contains("exiting with status 75"));
        } finally {
            server.close();
        }
    }

    @Test
    void cPluginRunByHandOrWithTheWrongProtocolSaysSo() throws Exception {
        ProcessBuilder byHand = new ProcessBuilder(plugin.toString()).redirectErrorStream(true);
        byHand.environment().keySet().removeIf(k -> k.startsWith("MINBUS_"));
        Process p = byHand.start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains(PluginEnvironment.NOT_LAUNCHED_MESSAGE);
        assertThat(p.waitFor()).isEqualTo(2);

        ProcessBuilder tooNew = new ProcessBuilder(plugin.toString()).redirectErrorStream(true);
        tooNew.environment().put("MINBUS_PLUGIN_SECRET", "00".repeat(32));
        tooNew.environment().put("MINBUS_ADDRESS", "unix:/nonexistent/bus.sock");
        tooNew.environment().put("MINBUS_PLUGIN_NAME", "cecho");
        tooNew.environment().put("MINBUS_PROTOCOL_VERSIONS", "7,8");
        Process q = tooNew.start();
        assertThat(new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("no common minbus protocol version: the host offers 7,8, the plugin supports 1");
        assertThat(q.waitFor()).isEqualTo(3);

        ProcessBuilder noBus = new ProcessBuilder(plugin.toString()).redirectErrorStream(true);
        noBus.environment().putAll(tooNew.environment());
        noBus.environment().put("MINBUS_PROTOCOL_VERSIONS", "1");
        Process r = noBus.start();
        assertThat(new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("is not reachable");
        assertThat(r.waitFor()).isEqualTo(75);
    }

    private static String roundTrip(Channel ch, String text) {
        ch.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        return StandardCharsets.UTF_8.decode(ch.receive(T).orElseThrow()).toString();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static boolean onPath(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
    }
}
