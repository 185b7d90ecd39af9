package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite over a Unix domain socket in a temporary directory. */
class UnixSocketTransportTest extends AbstractTransportTest {

    @TempDir Path directory;
    private TransportListener listener;

    @Override
    protected Pair connect() {
        listener = Transports.listen(new BusAddress.Unix(directory.resolve("bus.sock")));
        CompletableFuture<Transport> accepted = CompletableFuture.supplyAsync(listener::accept, executor);
        Transport client = Transports.connect(listener.address());
        return new Pair(client, accepted.join());
    }

    @Override
    protected void release() {
        listener.close();
    }

    @Override
    protected String descriptionPattern() {
        return "unix:" + java.util.regex.Pattern.quote(directory.resolve("bus.sock").toString());
    }

    @Override
    protected boolean hasSocketChannel() {
        return true;
    }

    @Test
    void aReadFailsIfTheChannelIsClosedUnderneath() throws Exception {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> a.read(ByteBuffer.allocate(8)), executor);
        await().during(Duration.ofMillis(100)).until(() -> !read.isDone());

        a.socketChannel().orElseThrow().close();

        assertThat(read).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(TransportException.class)
                .withMessageContaining("closed underneath");
        assertThat(a.isOpen()).isFalse();
    }

    @Test
    void bothEndsSeeTheCurrentUserAsPeer() {
        String me = System.getProperty("user.name");
        assertThat(a.peerCredentials()).hasValueSatisfying(c -> assertThat(c.user()).isEqualTo(me));
        assertThat(b.peerCredentials()).hasValueSatisfying(c -> assertThat(c.user()).isEqualTo(me));
        assertThat(b.peerCredentials().orElseThrow().group()).isNotBlank();
    }
}
