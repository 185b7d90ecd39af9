package io.minbus.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;
import io.minbus.transport.Transports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link SecureTransport} over a Unix domain socket, where the peer's credentials stay visible. */
class SecureUnixTransportTest extends AbstractSecureTransportTest {

    private TransportListener listener;
    private Path directory;

    @Override
    protected Transport[] connectRaw() throws Exception {
        directory = Files.createTempDirectory(Path.of("/tmp"), "mbid");
        listener = Transports.listen(new BusAddress.Unix(directory.resolve("bus.sock")));
        CompletableFuture<Transport> accepted = CompletableFuture.supplyAsync(listener::accept, executor);
        Transport client = Transports.connect(listener.address());
        return new Transport[] {client, accepted.join()};
    }

    @Override
    protected void release() throws Exception {
        listener.close();
        Files.deleteIfExists(directory.resolve("bus.sock"));
        Files.deleteIfExists(directory);
    }

    @Test
    void peerCredentialsAreThoseOfTheSocket() {
        assertThat(b.peerCredentials()).isPresent();
        assertThat(b.peerCredentials().orElseThrow().user()).isEqualTo(System.getProperty("user.name"));
    }
}
