package io.minbus.host;

import static io.minbus.host.testing.Scripts.SIGNAL_READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.host.internal.Processes;
import io.minbus.host.testing.FileReadiness;
import io.minbus.host.testing.RecordingLogger;
import io.minbus.host.testing.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sandboxes applied with the machine's real bubblewrap, and sandboxes that cannot be applied. The
 * build machines have bubblewrap (Debian package {@code bubblewrap}, installed by {@code .ci/run}).
 */
@Timeout(60)
class SandboxTest {

    @TempDir Path dir;

    private RecordingLogger logs;
    private FileReadiness readiness;
    private Launcher launcher;
    private final List<Path> cleanup = new ArrayList<>();

    @BeforeAll
    static void bubblewrapIsInstalled() {
        assertThat(List.of(Path.of("/usr/bin/bwrap"), Path.of("/bin/bwrap")))
                .as("bubblewrap must be installed for these tests: apt-get install -y bubblewrap")
                .anyMatch(Files::isExecutable);
    }

    @BeforeEach
    void setUp() throws Exception {
        logs = RecordingLogger.open();
        readiness = new FileReadiness(Files.createDirectory(dir.resolve("ready")));
        launcher = Launcher.builder().address("unix:" + dir.resolve("bus.sock")).readiness(readiness)
                .loggers(logs.factory()).verifiedDirectory(dir.resolve("verified")).build();
    }

    @AfterEach
    void tearDown() {
        launcher.close();
        readiness.close();
        cleanup.forEach(p -> p.toFile().delete());
    }

    private List<String> output(String name, int lines) {
        await().atMost(Duration.ofSeconds(10)).until(() -> logs.messages(name).size() >= lines);
        return logs.messages(name).stream().map(m -> m.substring(name.length() + 3)).toList();
    }

    @Test
    void aSandboxedPluginWritesOnlyWhereItMay() throws Exception {
        Path writable = Files.createDirectory(dir.resolve("writable"));
        Path readOnly = Files.createDirectory(dir.resolve("readonly"));
        // a host directory outside /tmp that exists but is not declared
        Path undeclared = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "undeclared-");
        cleanup.add(undeclared);
        Path exe = Scripts.sh(dir, "minbus-plugin-boxed", """
                try() { if sh -c "$2" 2>/dev/null; then echo "$1=allowed"; else echo "$1=denied"; fi; }
                try writable 'echo ok > %1$s/a'
                try readonly 'echo no > %2$s/b'
                try undeclared 'echo no > %3$s/c'
                try etc 'echo no > /etc/minbus-sandbox-test'
                try tmp 'echo scratch > /tmp/scratch'
                exit 0
                """.formatted(writable, readOnly, undeclared));
        PluginSpec spec = PluginSpec.builder(exe)
                .sandbox(Sandbox.strict().withWritable(writable).withReadOnly(readOnly))
                .build();
        try (Launcher plain = Launcher.builder().address("unix:" + dir.resolve("bus.sock")).loggers(logs.factory()).build()) {
            PluginProcess p = plain.launch(spec);
            assertThat(p.awaitState(PluginState.EXITED, Duration.ofSeconds(20))).isTrue();
        }
        assertThat(output("boxed", 5)).containsExactly(
                "writable=allowed", "readonly=denied", "undeclared=denied", "etc=denied", "tmp=allowed");
        assertThat(writable.resolve("a")).hasContent("ok");
        assertThat(readOnly.resolve("b")).doesNotExist();
        assertThat(undeclared.resolve("c")).doesNotExist();
        assertThat(Path.of("/etc/minbus-sandbox-test")).doesNotExist();
        assertThat(Path.of("/tmp/scratch")).doesNotExist(); // its /tmp is its own
    }

    @Test
    void networkIsOffUnlessAllowed() throws Exception {
        Path exe = Scripts.sh(dir, "minbus-plugin-net", "echo \"interfaces=$(grep -c : /proc/net/dev)\"\nexit 0");
        try (Launcher plain = Launcher.builder().address("unix:/nowhere").loggers(logs.factory()).build()) {
            PluginProcess off = plain.launch(PluginSpec.builder(exe).name("off").sandbox(Sandbox.strict()).build());
            PluginProcess on = plain.launch(PluginSpec.builder(exe).name("on").sandbox(Sandbox.strict().withNetwork(true)).build());
            assertThat(off.awaitState(PluginState.EXITED, Duration.ofSeconds(20))).isTrue();
            assertThat(on.awaitState(PluginState.EXITED, Duration.ofSeconds(20))).isTrue();
        }
        assertThat(output("off", 1)).containsExactly("interfaces=1"); // loopback only
        long hostInterfaces = Files.readAllLines(Path.of("/proc/net/dev")).stream().filter(l -> l.contains(":")).count();
        assertThat(output("on", 1)).containsExactly("interfaces=" + hostInterfaces);
    }

    @Test
    void verifiedAndSandboxedTogetherBecomeReadyAndStopCleanly() throws Exception {
        Path exe = Scripts.sh(dir, "minbus-plugin-both", "echo \"host-pid=${MINBUS_HOST_PID:-none}\"\n"
                + SIGNAL_READY + "\nsleep 600 &\nwhile read -r _; do :; done");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(exe)));
        PluginProcess p = launcher.launch(PluginSpec.builder(exe).expectSha256(sha)
                .environment("READY_DIR", readiness.dir().toString())
                .sandbox(Sandbox.strict().withWritable(readiness.dir())).build());
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle.of(p.pid().getAsLong()).ifPresent(tree::add);
        tree.get(0).descendants().forEach(tree::add);
        assertThat(tree).as("bwrap, its init, the plugin and its sleep").hasSizeGreaterThanOrEqualTo(3);
        assertThat(output("both", 1)).containsExactly("host-pid=none"); // hidden by the pid namespace
        p.stop();
        assertThat(tree).noneMatch(Processes::isRunning);
    }

    @Test
    void noBubblewrapMeansNotStarted() {
        Path marker = dir.resolve("ran");
        try (Launcher l = Launcher.builder().address("unix:/nowhere").bwrap(dir.resolve("no-such-bwrap")).build()) {
            assertThatThrownBy(() -> l.start(PluginSpec.builder(Scripts.sh(dir, "p", "touch " + marker))
                    .sandbox(Sandbox.strict()).build()))
                    .isInstanceOf(SandboxUnavailableException.class)
                    .hasMessageContaining("plugin 'p' was not started: it declares a sandbox that cannot be applied")
                    .hasMessageContaining("no-such-bwrap")
                    .hasMessageContaining("apt-get install bubblewrap");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void bubblewrapThatCannotCreateNamespacesMeansNotStarted() {
        // what bwrap says where user namespaces are forbidden (e.g. in an unprivileged container)
        Path fake = Scripts.sh(dir, "bwrap", "echo 'bwrap: No permissions to creating new namespace, likely because the"
                + " kernel does not allow non-privileged user namespaces.' >&2\nexit 1");
        Path marker = dir.resolve("ran");
        try (Launcher l = Launcher.builder().address("unix:/nowhere").bwrap(fake).build()) {
            assertThatThrownBy(() -> l.start(PluginSpec.builder(Scripts.sh(dir, "p", "touch " + marker))
                    .sandbox(Sandbox.strict()).build()))
                    .isInstanceOf(SandboxUnavailableException.class)
                    .hasMessageContaining("exited with code 1: bwrap: No permissions to creating new namespace")
                    .hasMessageContaining("allow unprivileged user namespaces");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void aSandboxThatCannotWorkAsDeclaredIsRefused() {
        Path exe = Scripts.sh(dir, "p", "exit 0");
        assertThatThrownBy(() -> launcher.start(PluginSpec.builder(exe)
                .sandbox(Sandbox.strict().withReadOnly(dir.resolve("missing"))).build()))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("readOnly path " + dir.resolve("missing") + " does not exist");
        assertThatThrownBy(() -> launcher.start(PluginSpec.builder(exe).workingDirectory(dir)
                .sandbox(Sandbox.strict()).build()))
                .hasMessageContaining("working directory " + dir + " is not visible in its sandbox");
        try (Launcher tcp = Launcher.builder().address("net:127.0.0.1:8008").build()) {
            assertThatThrownBy(() -> tcp.start(PluginSpec.builder(exe).sandbox(Sandbox.strict()).build()))
                    .hasMessageContaining("has no network, but the bus address net:127.0.0.1:8008 is not a unix: socket");
        }
    }
}
