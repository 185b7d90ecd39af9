package io.minbus.identity.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A running {@code shs-peer.js}: its stdout lines as they come, its stderr in a file. */
final class NodePeer implements AutoCloseable {

    private static final long LINE_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    NodePeer(String... args) throws IOException, InterruptedException {
        Path project = NodeProject.installed();
        stderr = Files.createTempFile(NodeProject.workDirectory(), "shs-peer", ".err");
        List<String> command = NodeProject.node(project, "shs-peer.js", args);
        process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("stdout failed: " + e);
            }
        });
    }

    /** The next stdout line, which must start with {@code word}; the rest of it, split at spaces. */
    String[] expect(String word) throws InterruptedException, IOException {
        String line = lines.poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(line).as("a line \"%s ...\" from shs-peer.js; its stderr: %s", word, stderrText()).isNotNull();
        String[] parts = line.split(" ");
        assertThat(parts[0]).as("line \"%s\"; stderr: %s", line, stderrText()).isEqualTo(word);
        return Arrays.copyOfRange(parts, 1, parts.length);
    }

    /** Waits for the exit; its code. */
    int exitCode() throws InterruptedException {
        assertThat(process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("shs-peer.js exits").isTrue();
        return process.exitValue();
    }

    String stderrText() throws IOException {
        return Files.readString(stderr).strip();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(stderr);
    }
}
