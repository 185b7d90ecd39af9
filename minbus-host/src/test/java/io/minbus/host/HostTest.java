package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.client.Channel;
import io.minbus.host.testing.JavaMains;
import io.minbus.host.testing.RecordingLogger;
import io.minbus.host.testing.Scripts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The host on a bus, end to end with real child processes: launch handshake, stop, pipe mode, failures. */
@Timeout(120)
class HostTest {

    @TempDir Path dir;

    private final RecordingLogger logs = RecordingLogger.open();
    private Host host;

    private Host host(List<Integer> versions) {
        host = Host.builder().launcher(b -> b.loggers(logs.factory()).protocolVersions(versions).shutdownHook(false)).build();
        return host;
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
    }

    static PluginSpec.Builder java(Class<?> main, String name) {
        return PluginSpec.builder(JavaMains.command(main)).name(name).startTimeout(Duration.ofSeconds(60));
    }

    static String roundTrip(Channel ch, String text) {
        ch.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        return StandardCharsets.UTF_8.decode(ch.receive(Duration.ofSeconds(20)).orElseThrow()).toString();
    }

    @Test
    void launchedPluginProvesItsSecretRegistersAndServes() throws Exception {
        Host h = host(ProtocolVersions.SUPPORTED);
        PluginProcess echo = h.launch(java(BusPlugins.Echo.class, "echo").stdin(StdinMode.PIPE).build());
        assertThat(echo.state()).isEqualTo(PluginState.RUNNING);
        assertThat(h.bus().plugins()).anyMatch(p -> p.name().equals("echo") && p.version() == 2);
        try (Channel ch = h.bus().connect("echo")) {
            assertThat(roundTrip(ch, "hello")).isEqualTo("hello");
        }
        // stdout is forwarded
        assertThat(logs.messages("echo")).anyMatch(m -> m.contains("echo plugin up, protocol 1"));
        // the stop hook asks over the control channel (stdin mode PIPE: no lifeline read), the plugin exits 0
        echo.stop();
        assertThat(echo.state()).isEqualTo(PluginState.EXITED);
        assertThat(echo.exitCode()).hasValue(0);
        assertThat(logs.messages("echo")).anyMatch(m -> m.contains("stopping (the host asked this plugin to stop)"));
    }

    @Test
    void wrongSecretFailsTheStartAndTheProcessIsStopped() {
        Host h = host(ProtocolVersions.SUPPORTED);
        assertThatThrownBy(() -> h.launch(java(BusPlugins.WrongSecret.class, "liar").build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("plugin 'liar' failed the launch handshake")
                .hasMessageContaining("does not match the secret the host gave it");
        assertThat(h.launcher().plugins()).isEmpty();
        assertThat(h.bus().plugins()).noneMatch(p -> p.name().equals("liar"));
    }

    @Test
    void versionMismatchNamesBothSides() {
        Host h = host(List.of(7, 8));
        assertThatThrownBy(() -> h.launch(java(BusPlugins.Echo.class, "old").build()))
                .isInstanceOf(PluginStartException.class)
                .satisfies(e -> assertThat(((PluginStartException) e).exitCode()).isEqualTo(java.util.OptionalInt.of(PluginMain.EXIT_VERSION_MISMATCH)))
                .hasMessageContaining("the host offers 7,8, the plugin supports 1");
    }

    @Test
    void runByHandPrintsTheMessageAndExitsNonZero() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(JavaMains.command(BusPlugins.Echo.class));
        pb.environment().keySet().removeIf(k -> k.startsWith("MINBUS_"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(PluginMain.EXIT_NOT_LAUNCHED);
        assertThat(out).contains(PluginEnvironment.NOT_LAUNCHED_MESSAGE);
    }

    @Test
    void exitBeforeConnectingReportsCodeAndStderr() {
        Host h = host(ProtocolVersions.SUPPORTED);
        Path crash = Scripts.sh(dir, "crash", "echo 'cannot open database' >&2\nexit 3");
        assertThatThrownBy(() -> h.launch(PluginSpec.builder(crash).name("crash").build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("plugin 'crash' exited with code 3 before becoming ready")
                .hasMessageContaining("cannot open database");
    }

    @Test
    void pluginThatNeverConnectsTimesOut() {
        Host h = host(ProtocolVersions.SUPPORTED);
        Path idle = Scripts.sh(dir, "idle", "echo 'thinking' >&2\nexec sleep 60");
        assertThatThrownBy(() -> h.launch(PluginSpec.builder(idle).name("idle").startTimeout(Duration.ofMillis(700)).build()))
                .isInstanceOf(PluginStartTimeoutException.class)
                .hasMessageContaining("did not become ready within its start timeout of 700ms")
                .hasMessageContaining("thinking");
    }

    @Test
    void pipeModeRunsTheSessionOverStdinAndStdout() throws Exception {
        Host h = host(ProtocolVersions.SUPPORTED);
        PluginProcess echo = h.launch(java(BusPlugins.Echo.class, "piped").pipeSession(true).build());
        try (Channel ch = h.bus().connect("piped")) {
            assertThat(roundTrip(ch, "through the pipes")).isEqualTo("through the pipes");
        }
        // stdout is the session; the SDK moves System.out to stderr, which is still forwarded
        assertThat(logs.messages("piped")).anyMatch(m -> m.contains("echo plugin up"));
        echo.stop();
        assertThat(echo.exitCode()).hasValue(0);
    }

    @Test
    void handshakeTestVectorOfTheDocs() {
        String challenge = LaunchHandshake.CHALLENGE_PREFIX + "0".repeat(64);
        assertThat(LaunchHandshake.isChallenge(challenge)).isTrue();
        assertThat(LaunchHandshake.proof("0".repeat(64), challenge))
                .isEqualTo("MINBUS-PROOF 87155ea498a4cf4d715bf23c7248a764d3bdbbab50d7c9e1c6a20728b20cba01");
        assertThat(LaunchHandshake.verify("0".repeat(64), challenge, "MINBUS-PROOF " + "1".repeat(64))).isFalse();
    }

    @Test
    void dispenseGivesATypedProxyToTheLaunchedPlugin() {
        Host h = host(ProtocolVersions.SUPPORTED);
        HostedPlugin rpc = h.launch(java(BusPlugins.Rpc.class, "greeter").stdin(StdinMode.PIPE).build());
        BusPlugins.Greeter g = rpc.dispense(BusPlugins.Greeter.class);
        assertThat(g.greet("host")).isEqualTo("hello host from pid " + rpc.pid().orElseThrow());
        assertThat(g.add(2, 3)).isEqualTo(5);
        rpc.stop();
        assertThat(rpc.exitCode()).hasValue(0);
    }
}
