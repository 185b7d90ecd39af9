package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.host.testing.JavaMains;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PluginEnvironmentTest {

    private static final String SECRET = "0123456789abcdef".repeat(4);

    private static Map<String, String> full() {
        return new HashMap<>(Map.of(
                "MINBUS_ADDRESS", "unix:/run/user/1000/minbus/bus.sock",
                "MINBUS_PLUGIN_SECRET", SECRET,
                "MINBUS_PROTOCOL_VERSIONS", "1, 2",
                "MINBUS_PLUGIN_NAME", "kv",
                "MINBUS_HOST_PID", "4242",
                "MINBUS_STDIN", "pipe"));
    }

    @Test
    void readsTheContract() {
        PluginEnvironment env = PluginEnvironment.from(full());
        assertThat(env.address()).isEqualTo("unix:/run/user/1000/minbus/bus.sock");
        assertThat(env.secret()).isEqualTo(SECRET);
        assertThat(env.protocolVersions()).containsExactly(1, 2);
        assertThat(env.pluginName()).isEqualTo("kv");
        assertThat(env.hostPid()).hasValue(4242);
        assertThat(env.stdin()).isEqualTo(StdinMode.PIPE);
        assertThat(env.toString()).doesNotContain(SECRET);
    }

    @Test
    void runDirectlyItSaysWhatItIs() {
        assertThatThrownBy(() -> PluginEnvironment.from(Map.of("MINBUS_ADDRESS", "unix:/x")))
                .isInstanceOf(NotLaunchedByHostException.class)
                .hasMessage("This is a minbus plugin; it is started by a minbus host (e.g. `minbus launch PATH`), not directly.");
    }

    @Test
    void anIncompleteEnvironmentNamesTheVariable() {
        Map<String, String> env = full();
        env.remove("MINBUS_PLUGIN_NAME");
        assertThatThrownBy(() -> PluginEnvironment.from(env)).isInstanceOf(NotLaunchedByHostException.class)
                .hasMessageContaining("MINBUS_PLUGIN_NAME is not set");
        Map<String, String> bad = full();
        bad.put("MINBUS_PLUGIN_SECRET", "short");
        assertThatThrownBy(() -> PluginEnvironment.from(bad)).hasMessageContaining("MINBUS_PLUGIN_SECRET is not 64 hex digits");
        Map<String, String> versions = full();
        versions.put("MINBUS_PROTOCOL_VERSIONS", "one");
        assertThatThrownBy(() -> PluginEnvironment.from(versions)).hasMessageContaining("MINBUS_PROTOCOL_VERSIONS='one'");
    }

    @Test
    void negotiationPicksTheHighestCommonVersionAndNamesBothSidesOtherwise() {
        PluginEnvironment env = PluginEnvironment.from(full());
        assertThat(env.negotiate(List.of(2, 3))).isEqualTo(2);
        assertThatThrownBy(() -> env.negotiate(List.of(3, 4)))
                .isInstanceOf(ProtocolVersionException.class)
                .hasMessageContaining("the host offers 1,2")
                .hasMessageContaining("the plugin supports 3,4");
    }

    @Test
    void aRealPluginRunByHandPrintsTheMessageAndExitsNonZero() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(JavaMains.command(TestPlugins.Watching.class));
        pb.environment().keySet().removeIf(k -> k.startsWith("MINBUS_"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err).contains(PluginEnvironment.NOT_LAUNCHED_MESSAGE);
    }
}
