package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The conformance suite over an in-memory pair with a small, odd-sized buffer. */
class MemoryTransportTest extends AbstractTransportTest {

    @Override
    protected Pair connect() {
        Transport[] pair = Transports.inMemoryPair(1021);
        return new Pair(pair[0], pair[1]);
    }

    @Override
    protected String descriptionPattern() {
        return "memory:\\d+";
    }

    @Test
    void bothEndsShareOneName() {
        assertThat(a.description()).isEqualTo(b.description());
        assertThat(a.peerCredentials()).isEmpty();
    }

    @Test
    void aOneByteBufferStillMovesEverything() {
        Transport[] pair = Transports.inMemoryPair(1);
        long seed = StreamCheck.seed("aOneByteBufferStillMovesEverything");
        CompletableFuture<StreamCheck.Tally> received =
                CompletableFuture.supplyAsync(() -> StreamCheck.receive(pair[1], seed), executor);
        StreamCheck.Tally sent = StreamCheck.send(pair[0], seed, 16 * 1024);
        assertThat(received).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(sent);
    }

    @Test
    void aWriterBlockedOnAFullBufferFailsWhenThePeerCloses() {
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> a.write(ByteBuffer.allocate(4096)), executor);
        await().during(Duration.ofMillis(100)).until(() -> !write.isDone());
        b.close();
        assertThat(write).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(TransportException.class)
                .withMessageContaining("peer closed");
    }

    @Test
    void rejectsAnEmptyBuffer() {
        assertThatThrownBy(() -> Transports.inMemoryPair(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 byte");
    }
}
