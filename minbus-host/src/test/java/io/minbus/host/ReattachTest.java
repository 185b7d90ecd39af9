package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.client.Channel;
import io.minbus.host.testing.JavaMains;
import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A host that died (SIGKILL) is replaced by one that re-adopts its still-running plugin from the state file. */
@Timeout(120)
class ReattachTest {

    @TempDir Path dir;

    private MinBusServer server;
    private Process oldHost;
    private long pluginPid = -1;

    @AfterEach
    void tearDown() {
        if (oldHost != null) {
            oldHost.destroyForcibly();
        }
        if (pluginPid > 0) {
            ProcessHandle.of(pluginPid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void newHostReadoptsARunningRegisteredPlugin() throws Exception {
        BusAddress address = new BusAddress.Unix(dir.resolve("bus.sock"));
        server = MinBusServer.builder().listen(address).start();
        Path state = dir.resolve("host.state");
        oldHost = new ProcessBuilder(JavaMains.command(BusPlugins.ReattachHost.class, address.toString(), state.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(oldHost.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).startsWith("READY ");
        pluginPid = Long.parseLong(line.substring("READY ".length()));
        assertThat(Files.readString(state)).startsWith("survivor " + pluginPid + " ");

        oldHost.destroyForcibly(); // SIGKILL: no cleanup; the plugin (watchHost(false)) keeps running
        assertThat(oldHost.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(pluginPid).map(ProcessHandle::isAlive)).hasValue(true);

        // a stale entry (a pid that is not running with that start time) is dropped
        Files.writeString(state, Files.readString(state) + "ghost 999999 12345\n");

        try (Host host = Host.builder().attach(address).stateFile(state).build()) {
            List<AdoptedPlugin> adopted = host.reattach();
            assertThat(adopted).singleElement().satisfies(p -> {
                assertThat(p.name()).isEqualTo("survivor");
                assertThat(p.pid()).isEqualTo(pluginPid);
            });
            assertThat(Files.readString(state)).doesNotContain("ghost");
            try (Channel ch = host.bus().connect("survivor")) {
                assertThat(HostTest.roundTrip(ch, "still there")).isEqualTo("still there");
            }
            adopted.get(0).stop(Duration.ofSeconds(5));
            assertThat(adopted.get(0).isAlive()).isFalse();
            assertThat(Files.readString(state)).doesNotContain("survivor");
        }
    }
}
