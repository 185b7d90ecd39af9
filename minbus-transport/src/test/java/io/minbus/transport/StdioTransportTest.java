package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Transports#stdio()} in a child JVM that echoes, driven through {@link Transports#pipes}. */
@Timeout(60)
class StdioTransportTest {

    @TempDir Path directory;

    @Test
    void aChildJvmEchoesThroughItsStdio() throws Exception {
        Path log = directory.resolve("child.log");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", classPath(),
                        StdioEcho.class.getName())
                .redirectError(log.toFile())
                .start();
        try (Transport transport = Transports.pipes(child.getInputStream(), child.getOutputStream(), "pipe:child")) {
            long seed = StreamCheck.seed("aChildJvmEchoesThroughItsStdio");
            CompletableFuture<StreamCheck.Tally> echoed = CompletableFuture.supplyAsync(
                    () -> StreamCheck.receive(transport, seed), r -> Thread.ofPlatform().start(r));
            StreamCheck.Tally sent = StreamCheck.send(transport, seed, 1024 * 1024);

            assertThat(echoed.get()).as("seed %d, child log %s", seed, log).isEqualTo(sent);
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("exit code; child said: %s", Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("StdioEcho: done");
        } finally {
            child.destroyForcibly();
        }
    }

    /** The main and test class directories (or jars) this test runs from. */
    private static String classPath() throws URISyntaxException {
        return location(Transports.class) + File.pathSeparator + location(StdioEcho.class);
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
