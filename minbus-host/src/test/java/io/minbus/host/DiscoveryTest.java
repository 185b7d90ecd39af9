package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.host.PluginDiscovery.DiscoveredPlugin;
import io.minbus.host.PluginDiscovery.Kind;
import io.minbus.host.testing.RecordingLogger;
import io.minbus.host.testing.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Finding plugins by glob and by manifest, and reading manifests strictly. */
@Timeout(60)
class DiscoveryTest {

    /** The full example of docs/host.md (paths made relative to the test directory). */
    static final String FULL_EXAMPLE = """
            {
              "name": "kv",
              "version": 3,
              "command": ["./bin/minbus-plugin-kv", "--cache", "64m"],
              "workingDirectory": "data",
              "environment": { "KV_LOG": "info" },
              "inheritEnvironment": true,
              "restart": { "policy": "on-failure", "initialBackoff": "250ms", "maxBackoff": "1m", "resetAfter": "2m" },
              "startTimeout": "10s",
              "stopTimeouts": { "graceful": "3s", "terminate": "PT2S" },
              "stdin": "closed",
              "wrapper": ["nice", "-n", "10"],
              "sha256": "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4",
              "sandbox": { "readOnly": ["share"], "writable": ["data", "~/.cache/kv"], "network": false }
            }
            """;

    @TempDir Path dir;

    @Test
    void readsEveryFieldOfTheFullExample() throws Exception {
        Path manifest = Files.writeString(dir.resolve("kv.plugin.json"), FULL_EXAMPLE);
        PluginSpec spec = PluginManifest.read(manifest);
        assertThat(spec.name()).isEqualTo("kv");
        assertThat(spec.version()).hasValue(3);
        assertThat(spec.argv()).containsExactly(dir.resolve("bin/minbus-plugin-kv").toString(), "--cache", "64m");
        assertThat(spec.workingDirectory()).hasValue(dir.resolve("data"));
        assertThat(spec.environment()).isEqualTo(Map.of("KV_LOG", "info"));
        assertThat(spec.restartPolicy()).isEqualTo(new RestartPolicy(RestartPolicy.Mode.ON_FAILURE,
                Duration.ofMillis(250), Duration.ofMinutes(1), Duration.ofMinutes(2)));
        assertThat(spec.startTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.stopTimeouts()).isEqualTo(new StopTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2)));
        assertThat(spec.stdin()).isEqualTo(StdinMode.CLOSED);
        assertThat(spec.wrapper()).containsExactly("nice", "-n", "10");
        assertThat(spec.verification()).get().hasToString("sha256:8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4");
        assertThat(spec.sandbox()).hasValue(new Sandbox(List.of(dir.resolve("share")),
                List.of(dir.resolve("data"), Path.of(System.getProperty("user.home"), ".cache", "kv")), false));
    }

    @Test
    void aMinimalManifestTakesTheDefaults() throws Exception {
        Path manifest = Files.writeString(dir.resolve("tiny.plugin.json"), """
                {"name": "tiny", "command": "minbus-plugin-tiny", "restart": "always"}""");
        PluginSpec spec = PluginManifest.read(manifest);
        assertThat(spec.argv()).containsExactly("minbus-plugin-tiny"); // a bare name is looked up in PATH
        assertThat(spec.workingDirectory()).hasValue(dir);
        assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.always());
        assertThat(spec.stopTimeouts()).isEqualTo(StopTimeouts.DEFAULT);
        assertThat(spec.sandbox()).isEmpty();
        assertThat(spec.verification()).isEmpty();
    }

    private void assertBad(String json, String field, String problem) throws Exception {
        Path manifest = Files.writeString(dir.resolve("bad.plugin.json"), json);
        assertThatThrownBy(() -> PluginManifest.read(manifest))
                .isInstanceOfSatisfying(ManifestException.class, e -> {
                    assertThat(e.file()).isEqualTo(manifest);
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(manifest.toString()).contains(problem);
                    if (!field.isEmpty()) {
                        assertThat(e.getMessage()).contains("field '" + field + "'");
                    }
                });
    }

    @Test
    void badManifestsNameTheFileAndTheField() throws Exception {
        assertBad("{\"name\": \"x\",\n \"command\": [\"a\"],\n }", "", "not valid JSON at line 3");
        assertBad("[1, 2]", "", "expected a JSON object");
        assertBad("{\"command\": [\"a\"]}", "name", "is required");
        assertBad("{\"name\": \"x\"}", "command", "is required");
        assertBad("{\"name\": \"x y\", \"command\": \"a\"}", "name", "no spaces");
        assertBad("{\"name\": \"x\", \"command\": [\"a\", 7]}", "command[1]", "expected a string, got number 7");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"sandbx\": {}}", "sandbx", "unknown field");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"version\": 70000}", "version", "0..65535");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"restart\": \"sometimes\"}", "restart", "\"on-failure\"");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"restart\": {\"policy\": \"always\", \"maxBackoff\": \"soon\"}}",
                "restart.maxBackoff", "expected a duration like");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"stopTimeouts\": {\"grace\": \"1s\"}}", "stopTimeouts.grace", "unknown field");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"sandbox\": {\"writable\": [\"/a\", 3]}}", "sandbox.writable[1]",
                "expected a string");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"sandbox\": {\"network\": \"no\"}}", "sandbox.network", "true or false");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"stdin\": \"tty\"}", "stdin", "\"closed\", \"pipe\" or \"inherit\"");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"sha256\": \"abc\"}", "sha256", "64 hex digits");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"environment\": {\"MINBUS_ADDRESS\": \"x\"}}",
                "environment.MINBUS_ADDRESS", "set by the host");
        assertBad("{\"name\": \"x\", \"command\": \"a\", \"signature\": \"" + Base64.getEncoder().encodeToString(new byte[64])
                + "\"}", "signature", "this host trusts no keys");
        assertBad("{\"name\": \"x\", \"name\": \"y\", \"command\": \"a\"}", "", "Duplicate Object property \"name\"");
    }

    @Test
    void findsExecutablesByGlobAndManifestsInDirectoryOrder() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app/plugins"));
        Path user = Files.createDirectories(dir.resolve("user"));
        Scripts.sh(app, "minbus-plugin-kv", "exit 0");
        Scripts.sh(app, "minbus-plugin-log", "exit 0");
        Scripts.sh(app, "other-tool", "exit 0"); // does not match the glob
        Files.writeString(app.resolve("minbus-plugin-notexec"), "not executable");
        Scripts.sh(user, "minbus-plugin-kv", "exit 0"); // shadowed by app's kv
        Files.writeString(user.resolve("metrics.plugin.json"), "{\"name\": \"metrics\", \"command\": \"./minbus-plugin-m\"}");
        Files.writeString(user.resolve("broken.plugin.json"), "{\"name\": \"broken\"}");
        Files.writeString(app.resolve("log.plugin.json"), "{\"name\": \"log\", \"command\": [\"./minbus-plugin-log\", \"-v\"]}");

        PluginDiscovery.Result found = PluginDiscovery.in(List.of(app, user, dir.resolve("missing"))).discover();

        assertThat(found.plugins()).extracting(DiscoveredPlugin::name, DiscoveredPlugin::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("log", Kind.MANIFEST), // a manifest before the executable
                        org.assertj.core.groups.Tuple.tuple("kv", Kind.EXECUTABLE),
                        org.assertj.core.groups.Tuple.tuple("metrics", Kind.MANIFEST));
        assertThat(found.find("log").orElseThrow().spec().argv()).containsExactly(app.resolve("minbus-plugin-log").toString(), "-v");
        assertThat(found.find("kv").orElseThrow().source()).isEqualTo(app.resolve("minbus-plugin-kv"));
        assertThat(found.shadowed()).extracting(DiscoveredPlugin::source)
                .containsExactlyInAnyOrder(app.resolve("minbus-plugin-log"), user.resolve("minbus-plugin-kv"));
        assertThat(found.problems()).singleElement().isInstanceOfSatisfying(ManifestException.class, e -> {
            assertThat(e.file()).isEqualTo(user.resolve("broken.plugin.json"));
            assertThat(e.field()).isEqualTo("command");
        });
    }

    @Test
    void defaultDirectoriesAreTheAppsTheUsersAndTheWorkingDirectory() {
        List<Path> dirs = PluginDiscovery.defaultDirectories(Path.of("/opt/app/plugins"));
        assertThat(dirs).hasSize(3);
        assertThat(dirs.get(0)).isEqualTo(Path.of("/opt/app/plugins"));
        assertThat(dirs.get(1).toString()).endsWith("minbus/plugins");
        assertThat(dirs.get(2)).isEqualTo(Path.of("").toAbsolutePath());
        String data = System.getenv("XDG_DATA_HOME");
        if (data == null || data.isEmpty()) {
            assertThat(dirs.get(1)).isEqualTo(Path.of(System.getProperty("user.home"), ".local/share/minbus/plugins"));
        }
    }

    @Test
    void aDetachedSignatureIsCheckedWhenKeysAreTrusted() throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path exe = Scripts.sh(dir, "minbus-plugin-signed", "echo hi\nexit 0");
        Files.writeString(dir.resolve("minbus-plugin-signed.sig"),
                Base64.getEncoder().encodeToString(Ed25519Keys.sign(key.getPrivate(), Files.readAllBytes(exe))));
        PluginDiscovery.Result found = PluginDiscovery.in(List.of(dir)).withTrustedKeys(List.of(key.getPublic())).discover();
        assertThat(found.problems()).isEmpty();
        PluginSpec spec = found.find("signed").orElseThrow().spec();
        assertThat(spec.verification()).get().isInstanceOf(Verification.Ed25519.class);

        RecordingLogger logs = RecordingLogger.open();
        try (Launcher launcher = Launcher.builder().address("unix:/nowhere").loggers(logs.factory())
                .verifiedDirectory(dir.resolve("verified")).build()) {
            launcher.launch(spec);
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("signed").contains("[signed] hi"));
        }
    }

    @Test
    void aDiscoveredManifestLaunches() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Scripts.sh(plugins, "minbus-plugin-greeter", "echo \"$GREETING from $(pwd) as $MINBUS_PLUGIN_NAME\"\nexit 0");
        Files.writeString(plugins.resolve("greeter.plugin.json"), """
                {"name": "greeter", "command": ["./minbus-plugin-greeter"], "environment": {"GREETING": "hello"}}""");
        PluginSpec spec = PluginDiscovery.in(List.of(plugins)).discover().find("greeter").orElseThrow().spec();
        RecordingLogger logs = RecordingLogger.open();
        try (Launcher launcher = Launcher.builder().address("unix:/nowhere").loggers(logs.factory()).build()) {
            launcher.launch(spec);
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("greeter").contains(
                    "[greeter] hello from " + plugins + " as greeter"));
        }
    }
}
