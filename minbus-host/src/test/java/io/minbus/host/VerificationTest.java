package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.host.testing.RecordingLogger;
import io.minbus.host.testing.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Plugins verified by SHA-256 or Ed25519 signature run from a private copy of the checked bytes. */
@Timeout(60)
class VerificationTest {

    @TempDir Path dir;

    private Path verified;
    private RecordingLogger logs;
    private Launcher launcher;

    @BeforeEach
    void setUp() {
        verified = dir.resolve("private").resolve("verified");
        logs = RecordingLogger.open();
        launcher = Launcher.builder().address("unix:/nowhere").loggers(logs.factory()).verifiedDirectory(verified).build();
    }

    @AfterEach
    void tearDown() {
        launcher.close();
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    /** Prints where it runs from and its version, then waits for its stdin lifeline to close. */
    private Path plugin(String version) {
        return Scripts.sh(dir, "minbus-plugin-v", "echo \"$0 " + version + "\"\nwhile read -r _; do :; done");
    }

    @Test
    void aMatchingSha256RunsAPrivateCopyOfTheCheckedBytes() throws Exception {
        Path exe = plugin("v1");
        PluginProcess p = launcher.launch(PluginSpec.builder(exe).expectSha256(sha256(exe)).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> !logs.messages("v").isEmpty());
        String line = logs.messages("v").get(0);
        Path ranFrom = Path.of(line.substring("[v] ".length(), line.lastIndexOf(' ')));
        assertThat(line).endsWith(" v1");
        assertThat(ranFrom).startsWith(verified).isNotEqualTo(exe);
        assertThat(Files.getPosixFilePermissions(ranFrom)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(ranFrom.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(verified)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        p.stop();
        assertThat(ranFrom).doesNotExist(); // the copy goes with the plugin
    }

    @Test
    void swappingTheFileAfterTheCheckChangesNothing() throws Exception {
        Path exe = Scripts.sh(dir, "minbus-plugin-v", "echo \"version one\"\nexit 0");
        PluginSpec spec = PluginSpec.builder(exe).expectSha256(sha256(exe))
                .restartPolicy(RestartPolicy.always().withBackoff(Duration.ofMillis(20), Duration.ofMillis(20), Duration.ZERO))
                .build();
        PluginProcess p = launcher.start(spec);
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("v").contains("[v] version one"));
        Scripts.sh(dir, "minbus-plugin-v", "echo \"swapped in\"\nexit 0"); // replaced after the check
        await().atMost(Duration.ofSeconds(10)).until(() -> p.restarts() >= 3);
        p.stop();
        assertThat(logs.messages("v")).doesNotContain("[v] swapped in").contains("[v] version one");
    }

    @Test
    void aMismatchIsNotStartedAndTheErrorShowsBothHashes() throws Exception {
        Path marker = dir.resolve("ran");
        Path exe = Scripts.sh(dir, "minbus-plugin-evil", "touch " + marker);
        String actual = sha256(exe);
        String expected = "0".repeat(64);
        assertThatThrownBy(() -> launcher.start(PluginSpec.builder(exe).expectSha256(expected).build()))
                .isInstanceOfSatisfying(PluginVerificationException.class, e -> {
                    assertThat(e.expected()).isEqualTo(expected);
                    assertThat(e.actual()).isEqualTo(actual);
                    assertThat(e.executable()).isEqualTo(exe);
                    assertThat(e.getMessage()).contains("plugin 'evil' was not started")
                            .contains("expected " + expected).contains("actual " + actual);
                });
        assertThat(marker).doesNotExist();
        assertThat(launcher.plugins()).isEmpty();
        try (var left = Files.list(verified)) {
            assertThat(left).isEmpty(); // nothing unverified was written
        }
    }

    @Test
    void anEd25519SignatureByATrustedKeyIsAccepted() throws Exception {
        KeyPair trusted = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path exe = plugin("signed");
        byte[] signature = Ed25519Keys.sign(trusted.getPrivate(), Files.readAllBytes(exe));
        // keys travel as 32 raw bytes in base64
        var trustedKey = Ed25519Keys.publicKey(java.util.Base64.getEncoder().encodeToString(Ed25519Keys.raw(trusted.getPublic())));

        PluginProcess p = launcher.launch(PluginSpec.builder(exe)
                .expectSignature(signature, List.of(other.getPublic(), trustedKey)).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.messages("v").stream().anyMatch(m -> m.endsWith(" signed")));
        p.stop();

        assertThatThrownBy(() -> launcher.start(PluginSpec.builder(exe).expectSignature(signature, List.of(other.getPublic())).build()))
                .isInstanceOf(PluginVerificationException.class)
                .hasMessageContaining("does not verify with any trusted key")
                .hasMessageContaining(sha256(exe));
        Scripts.sh(dir, "minbus-plugin-v", "echo tampered");
        assertThatThrownBy(() -> launcher.start(PluginSpec.builder(exe).expectSignature(signature, List.of(trustedKey)).build()))
                .isInstanceOf(PluginVerificationException.class);
    }

    @Test
    void aHostThatRequiresVerificationRefusesUnverifiedPlugins() {
        try (Launcher strict = Launcher.builder().address("unix:/nowhere").requireVerification(true).build()) {
            assertThatThrownBy(() -> strict.start(PluginSpec.of(plugin("x"))))
                    .isInstanceOf(PluginVerificationException.class)
                    .hasMessageContaining("requires every plugin to be verified");
        }
    }
}
