package io.minbus.host.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.host.PluginSpec;
import io.minbus.host.StdinMode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchPlanTest {

    private static final String SECRET = "ab".repeat(32);

    @Test
    void setsTheContractAndDropsTheHostsOwnMinbusVariables() {
        PluginSpec spec = PluginSpec.builder(Path.of("/bin/true")).name("kv").environment("KV_DIR", "/srv/kv")
                .stdin(StdinMode.PIPE).build();
        LaunchPlan plan = new LaunchPlan(spec, List.of("/bin/true"), false, null);
        Map<String, String> env = new HashMap<>(Map.of(
                "PATH", "/usr/bin",
                "MINBUS_PLUGIN_SECRET", "the-host's-own-secret",
                "MINBUS_SOMETHING_ELSE", "x"));
        plan.environment(env, SECRET, "unix:/run/bus.sock", List.of(1, 2));
        assertThat(env).containsEntry("PATH", "/usr/bin")
                .containsEntry("KV_DIR", "/srv/kv")
                .containsEntry("MINBUS_ADDRESS", "unix:/run/bus.sock")
                .containsEntry("MINBUS_PLUGIN_SECRET", SECRET)
                .containsEntry("MINBUS_PROTOCOL_VERSIONS", "1,2")
                .containsEntry("MINBUS_PLUGIN_NAME", "kv")
                .containsEntry("MINBUS_STDIN", "pipe")
                .containsEntry("MINBUS_HOST_PID", Long.toString(ProcessHandle.current().pid()))
                .doesNotContainKey("MINBUS_SOMETHING_ELSE");
    }

    @Test
    void aSandboxedPluginGetsNoHostPidAndCanStartFromAnEmptyEnvironment() {
        PluginSpec spec = PluginSpec.builder(Path.of("/bin/true")).inheritEnvironment(false).build();
        LaunchPlan plan = new LaunchPlan(spec, List.of("/bin/true"), true, null);
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin", "HOME", "/root"));
        plan.environment(env, SECRET, "unix:/b", List.of(1));
        assertThat(env.keySet()).containsExactlyInAnyOrder("MINBUS_ADDRESS", "MINBUS_PLUGIN_SECRET",
                "MINBUS_PROTOCOL_VERSIONS", "MINBUS_PLUGIN_NAME", "MINBUS_STDIN");
        assertThat(env).containsEntry("MINBUS_PLUGIN_NAME", "true").containsEntry("MINBUS_STDIN", "closed");
    }
}
