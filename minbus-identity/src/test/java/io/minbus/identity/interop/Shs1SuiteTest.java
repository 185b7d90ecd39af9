package io.minbus.identity.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The language-independent SHS1 test suites of npm {@code shs1-test} against our handshake: each
 * suite starts our {@link Shs1Executable} 45 times (20 honest peers, 25 misbehaving ones), in
 * parallel, through a shell wrapper generated here from the test class path.
 */
@Timeout(600)
class Shs1SuiteTest {

    @Test
    void ourServerPassesTheShs1ServerSuite() throws Exception {
        String output = runSuite("server", "test-server.js");
        assertThat(output).contains("Passed the server test suite");
    }

    @Test
    void ourClientPassesTheShs1ClientSuite() throws Exception {
        String output = runSuite("client", "test-client.js");
        assertThat(output).contains("Passed the client test suite");
    }

    private static String runSuite(String role, String suite) throws Exception {
        Path project = NodeProject.installed();
        Path executable = wrapper(role);
        String seed = Long.toString(Long.getLong("minbus.test.seed", System.nanoTime()));
        System.out.println("shs1-test " + suite + ": seed " + seed + " (replay with -Dminbus.test.seed=" + seed + ")");
        String output = NodeProject.run(project, 8,
                NodeProject.node(project, "node_modules/shs1-test/" + suite, executable.toString(), seed)
                        .toArray(String[]::new));
        System.out.println(output.strip());
        return output;
    }

    /** A shell script that runs {@link Shs1Executable} in the given role on the test class path. */
    private static Path wrapper(String role) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("minbus.test.classpath");
        assertThat(classPath).as("minbus.test.classpath, set by the pom").isNotBlank();
        // small and quick to start: 45 of these run at once
        String script = "#!/bin/sh\n"
                + "exec " + quote(java) + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -Xss512k -XX:-UsePerfData"
                + " -cp " + quote(classPath) + " " + Shs1Executable.class.getName() + " " + role + " \"$@\"\n";
        Path file = NodeProject.workDirectory().resolve("shs1-" + role + ".sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
