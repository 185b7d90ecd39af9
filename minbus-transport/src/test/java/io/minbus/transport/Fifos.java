package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Named pipes and the file descriptors of this process, for the pipe tests. */
final class Fifos {

    private Fifos() {}

    /** Makes a named pipe with {@code mkfifo}. */
    static Path make(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo exit code").isZero();
        return path;
    }

    /** The numbers of this process's file descriptors that are open on {@code path}. */
    static List<Integer> descriptorsOpenOn(Path path) throws IOException {
        Path target = path.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).equals(target);
                        } catch (IOException e) {
                            return false; // closed meanwhile, or the directory stream itself
                        }
                    })
                    .map(fd -> Integer.parseInt(fd.getFileName().toString()))
                    .toList();
        }
    }

    /** Starts {@code cat} as a child process, its stderr inherited. */
    static Process cat() throws IOException {
        return new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
