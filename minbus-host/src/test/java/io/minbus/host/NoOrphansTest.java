package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.host.internal.Processes;
import io.minbus.host.testing.JavaMains;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real host JVM ({@link TestPlugins.Host}) launches real plugin processes; the test kills the
 * host and checks that its plugins do not outlive it.
 */
@Timeout(90)
class NoOrphansTest {

    @TempDir Path dir;

    private Process host;
    private final List<ProcessHandle> leftovers = new ArrayList<>();

    @AfterEach
    void killEverything() throws Exception {
        if (host != null) {
            host.destroyForcibly();
            host.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : leftovers) {
            h.destroyForcibly();
        }
    }

    private Map<String, ProcessHandle> startHost(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(JavaMains.command(TestPlugins.Host.class));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("host.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MINBUS_"));
        host = pb.start();
        Map<String, ProcessHandle> plugins = new LinkedHashMap<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null && !line.equals("READY"); ) {
            String[] f = line.split(" ");
            if (f[0].equals("PID")) {
                ProcessHandle h = ProcessHandle.of(Long.parseLong(f[2])).orElseThrow();
                plugins.put(f[1], h);
                leftovers.add(h);
                h.descendants().forEach(leftovers::add);
            }
        }
        assertThat(plugins).as("host said READY; its stderr is in " + dir.resolve("host.err")).isNotEmpty();
        return plugins;
    }

    @Test
    void pluginsNoticeAHostKilledWithSigkill() throws Exception {
        Map<String, ProcessHandle> plugins = startHost("kill9", dir.toString());
        assertThat(plugins).containsOnlyKeys("lifeline", "watching");
        plugins.values().forEach(p -> assertThat(p.isAlive()).isTrue());

        host.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(host.waitFor(10, TimeUnit.SECONDS)).isTrue();

        // "lifeline" reads its stdin pipe and gets end-of-file; "watching" (stdin inherited, so no
        // pipe) polls MINBUS_HOST_PID through PluginEnvironment.watchHost
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(Processes.isRunning(plugins.get("lifeline"))).as("lifeline plugin running").isFalse();
            assertThat(Processes.isRunning(plugins.get("watching"))).as("watching plugin running").isFalse();
        });
    }

    @Test
    void theShutdownHookKillsPluginsWhenTheHostGetsSigterm() throws Exception {
        Map<String, ProcessHandle> plugins = startHost("sigterm", dir.toString());
        ProcessHandle stubborn = plugins.get("stubborn");
        List<ProcessHandle> tree = new ArrayList<>(List.of(stubborn));
        stubborn.descendants().forEach(tree::add);
        assertThat(tree).as("the plugin and its own child").hasSize(2);

        host.destroy(); // SIGTERM: the JVM runs its shutdown hooks
        assertThat(host.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(host.exitValue()).isEqualTo(143);
        // the plugin ignores SIGTERM and never reads stdin: only the hook's SIGKILL ends it, and its child
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(tree).noneMatch(Processes::isRunning));
    }

    @Test
    void withoutTheHookTheSamePluginWouldSurvive() throws Exception {
        Map<String, ProcessHandle> plugins = startHost("sigterm", dir.toString(), "nohook");
        host.destroy();
        assertThat(host.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // the control for the test above: nothing else kills this plugin
        assertThat(plugins.get("stubborn").onExit()).failsWithin(Duration.ofSeconds(2));
        assertThat(Processes.isRunning(plugins.get("stubborn"))).isTrue();
    }
}
