package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real child process as the peer: {@code cat} echoes what it reads. */
@Timeout(30)
class PipeEchoTest {

    private final Process cat;
    private final Transport transport;

    PipeEchoTest() throws Exception {
        cat = Fifos.cat();
        transport = Transports.pipes(cat.getInputStream(), cat.getOutputStream(), "pipe:cat");
    }

    @AfterEach
    void stop() throws Exception {
        transport.close();
        cat.destroyForcibly();
        cat.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void catEchoesEverythingThenEndOfStream() throws Exception {
        long seed = StreamCheck.seed("catEchoesEverythingThenEndOfStream");
        CompletableFuture<StreamCheck.Tally> echoed =
                CompletableFuture.supplyAsync(() -> StreamCheck.receive(transport, seed), r -> Thread.ofPlatform().start(r));
        StreamCheck.Tally sent = StreamCheck.send(transport, seed, 2 * 1024 * 1024);

        assertThat(echoed.get()).as("seed %d", seed).isEqualTo(sent);
        assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cat.exitValue()).isZero();
    }

    @Test
    void aReadFailsOrEndsWhenTheChildDies() throws Exception {
        transport.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(StreamCheck.readExactly(transport, 3)).containsExactly(1, 2, 3);
        cat.destroyForcibly();
        assertThat(transport.read(ByteBuffer.allocate(8))).isEqualTo(-1);
        assertThat(transport.description()).isEqualTo("pipe:cat");
        assertThat(transport.socketChannel()).isEmpty();
        assertThat(transport.peerCredentials()).isEmpty();
    }
}
