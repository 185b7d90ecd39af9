package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardSocketOptions;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The conformance suite over TCP on the loopback interface. */
class TcpTransportTest extends AbstractTransportTest {

    private TransportListener listener;

    @Override
    protected Pair connect() {
        listener = Transports.listen(new BusAddress.Tcp("127.0.0.1", 0));
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
        return "net:127\\.0\\.0\\.1:\\d+";
    }

    @Override
    protected boolean hasSocketChannel() {
        return true;
    }

    @Test
    void noDelayIsOnAndThereAreNoPeerCredentials() throws Exception {
        assertThat(a.socketChannel().orElseThrow().getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
        assertThat(b.socketChannel().orElseThrow().getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
        assertThat(a.peerCredentials()).isEmpty();
    }

    @Test
    void theClientIsDescribedByTheAddressItDialled() {
        assertThat(a.description()).isEqualTo(listener.address().toString());
    }
}
