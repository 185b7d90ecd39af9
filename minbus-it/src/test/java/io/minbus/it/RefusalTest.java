package io.minbus.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.server.MinBusServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Refusals seen by real plugin processes: typed exceptions in the SDK, exit code 5 in the CLI. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RefusalTest {
    private static final Duration T = Duration.ofSeconds(30);
    private MinBusServer server;
    private String address;

    @BeforeEach
    void start() {
        server = MinBusServer.embedded();
        address = server.addresses().getFirst().toString();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aDuplicateNameIsTakenInTheSecondProcess() {
        try (ChildProcess first = ChildProcess.child("kv-1", "hold", address, "kv", "1")) {
            first.await("registered kv 1", T);
            try (ChildProcess second = ChildProcess.child("kv-2", "hold", address, "kv", "2")) {
                assertThat(second.await("refused", T)).isEqualTo("refused NAME_TAKEN");
                assertThat(second.exitCode(T)).isEqualTo(5);
            }
            if (Files.exists(ChildProcess.cliJar())) {
                try (ChildProcess cli = ChildProcess.cli("cli-register-kv", "register", "kv", "--version", "3",
                        "--exec", "cat", "--address", address)) {
                    assertThat(cli.exitCode(T)).as("minbus register on a taken name").isEqualTo(5);
                }
            }
            first.closeStdin();
            assertThat(first.exitCode(T)).isZero();
        }
        // the name is free again once its holder left
        try (ChildProcess third = ChildProcess.child("kv-3", "hold", address, "kv", "3")) {
            third.await("registered kv 3", T);
        }
    }

    @Test
    void aDeniedConnectionIsRefused() {
        try (ChildProcess target = ChildProcess.child("denier", "deny", address, "grumpy", "1")) {
            target.await("registered grumpy 1", T);
            try (ChildProcess initiator = ChildProcess.child("deny-initiator", "connect", address, "grumpy", "0")) {
                assertThat(initiator.await("refused", T)).isEqualTo("refused REFUSED");
                assertThat(initiator.exitCode(T)).isEqualTo(5);
            }
            target.await("denying", T);
            if (Files.exists(ChildProcess.cliJar())) {
                try (ChildProcess cli = ChildProcess.cli("cli-connect-grumpy", "connect", "grumpy", "--address", address)) {
                    cli.closeStdin();
                    assertThat(cli.exitCode(T)).as("minbus connect to a denying plugin").isEqualTo(5);
                }
            }
        }
        assertThat(server.stats().openRelays()).isZero();
    }

    @Test
    void aTooLowVersionIsRefusedWithTheTargetsVersion() {
        try (ChildProcess target = ChildProcess.child("old", "hold", address, "old", "1")) {
            target.await("registered old 1", T);
            try (ChildProcess initiator = ChildProcess.child("too-low", "connect", address, "old", "2")) {
                assertThat(initiator.await("refused", T)).isEqualTo("refused VERSION_TOO_LOW 1");
                assertThat(initiator.exitCode(T)).isEqualTo(5);
            }
            try (ChildProcess initiator = ChildProcess.child("no-such", "connect", address, "nobody", "0")) {
                assertThat(initiator.await("refused", T)).isEqualTo("refused NO_SUCH_PLUGIN");
            }
            if (Files.exists(ChildProcess.cliJar())) {
                try (ChildProcess cli = ChildProcess.cli("cli-connect-old", "connect", "old", "--min-version", "2",
                        "--address", address)) {
                    cli.closeStdin();
                    assertThat(cli.exitCode(T)).as("minbus connect --min-version above the target's").isEqualTo(5);
                }
            }
        }
    }
}
