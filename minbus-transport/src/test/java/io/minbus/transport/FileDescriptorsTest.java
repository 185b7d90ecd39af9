package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Transports#fileDescriptors}: descriptors this process holds on two named pipes, with a
 * {@code cat} child copying one into the other.
 */
@Timeout(30)
class FileDescriptorsTest {

    @TempDir Path directory;

    @Test
    void echoesThroughACatBetweenTwoFifos() throws Exception {
        Path toChild = Fifos.make(directory.resolve("to-child"));
        Path fromChild = Fifos.make(directory.resolve("from-child"));
        // read-write opens of a FIFO do not block; they keep both FIFOs open for the test
        try (FileChannel holdTo = FileChannel.open(toChild, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileChannel holdFrom = FileChannel.open(fromChild, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int writeFd = Fifos.descriptorsOpenOn(toChild).getFirst();
            int readFd = Fifos.descriptorsOpenOn(fromChild).getFirst();
            Process cat = new ProcessBuilder("cat")
                    .redirectInput(toChild.toFile())
                    .redirectOutput(fromChild.toFile())
                    .start();
            try (Transport transport = Transports.fileDescriptors(readFd, writeFd)) {
                assertThat(transport.description()).isEqualTo("pipe:fd:" + readFd + "," + writeFd);
                byte[] data = new byte[200_000];
                new java.util.Random(7).nextBytes(data);
                CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(
                        () -> StreamCheck.readExactly(transport, data.length), r -> Thread.ofPlatform().start(r));
                transport.write(ByteBuffer.wrap(data, 0, 1000), ByteBuffer.wrap(data, 1000, data.length - 1000));
                assertThat(echoed.get()).isEqualTo(data);
            } finally {
                cat.destroyForcibly();
                cat.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aDescriptorThatIsNotOpenIsReported() {
        assertThatThrownBy(() -> Transports.fileDescriptors(999_999, 999_998))
                .isInstanceOf(TransportException.class)
                .hasMessageStartingWith("cannot open pipe:fd:999999,999998");
        assertThatThrownBy(() -> Transports.fileDescriptors(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
