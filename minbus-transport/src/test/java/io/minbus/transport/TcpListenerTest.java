package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpListenerTest {

    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    @Test
    void portZeroIsReplacedByTheBoundPort() throws Exception {
        try (TransportListener listener = Transports.listen(new BusAddress.Tcp("127.0.0.1", 0))) {
            BusAddress.Tcp address = (BusAddress.Tcp) listener.address();
            int bound = ((InetSocketAddress) listener.channel().getLocalAddress()).getPort();
            assertThat(address.port()).isPositive().isEqualTo(bound);
            assertThat(address.host()).isEqualTo("127.0.0.1");
            assertThat(listener.channel().getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();

            try (Transport client = Transports.connect(address);
                    Transport server = listener.accept()) {
                client.write(ByteBuffer.wrap(new byte[] {42}));
                assertThat(StreamCheck.readExactly(server, 1)).containsExactly(42);
                int clientPort = ((InetSocketAddress) client.socketChannel().orElseThrow().getLocalAddress()).getPort();
                assertThat(server.description()).isEqualTo("net:127.0.0.1:" + clientPort);
            }
        }
    }

    @Test
    void listensOnIpv6Loopback() throws Exception {
        Path inet6 = Path.of("/proc/net/if_inet6");
        assumeTrue(Files.exists(inet6) && Files.readString(inet6).contains(" lo"), "IPv6 loopback available");
        try (TransportListener listener = Transports.listen(BusAddress.parse("net:[::1]:0"));
                Transport client = Transports.connect(listener.address());
                Transport server = listener.accept()) {
            assertThat(listener.address().toString()).startsWith("net:[::1]:");
            assertThat(server.description()).startsWith("net:[0:0:0:0:0:0:0:1]:");
        }
    }

    @Test
    void secretHandshakeIsNotSupportedYet() {
        BusAddress address = new BusAddress.Tcp("127.0.0.1", 8008, Optional.of(KEY));
        assertThatThrownBy(() -> Transports.connect(address))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("secret handshake not supported yet");
        assertThatThrownBy(() -> Transports.listen(address))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("secret handshake not supported yet");
    }

    @Test
    void connectionRefusedSaysHowToStartABus() {
        int freePort;
        try (TransportListener listener = Transports.listen(new BusAddress.Tcp("127.0.0.1", 0))) {
            freePort = ((BusAddress.Tcp) listener.address()).port();
        }
        BusAddress address = new BusAddress.Tcp("127.0.0.1", freePort);
        assertThatThrownBy(() -> Transports.connect(address))
                .isInstanceOf(TransportException.class)
                .hasMessageStartingWith("cannot connect to " + address)
                .hasMessageContaining("minbus serve");
    }

    @Test
    void anUnknownHostIsNamed() {
        assertThatThrownBy(() -> Transports.connect(new BusAddress.Tcp("no-such-host.invalid", 1)))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("unknown host no-such-host.invalid");
    }

    @Test
    void aTakenPortIsReported() {
        try (TransportListener first = Transports.listen(new BusAddress.Tcp("127.0.0.1", 0))) {
            assertThatThrownBy(() -> Transports.listen(first.address()))
                    .isInstanceOf(TransportException.class)
                    .hasMessageStartingWith("cannot listen on " + first.address());
        }
    }
}
