package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class UnixListenerTest {

    @TempDir Path directory;

    @Test
    void createsMissingParentDirectoriesWithMode0700() throws Exception {
        Path socket = directory.resolve("run/minbus/bus.sock");
        try (TransportListener listener = Transports.listen(new BusAddress.Unix(socket))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                    .isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("run"))))
                    .isEqualTo("rwx------");
            assertThat(listener.address()).isEqualTo(new BusAddress.Unix(socket));
        }
    }

    @Test
    void leavesAnExistingParentDirectoryAsItIs() throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
        try (TransportListener ignored = Transports.listen(new BusAddress.Unix(directory.resolve("bus.sock")))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwxr-x---");
        }
    }

    @Test
    void replacesAStaleSocketFile() throws Exception {
        Path socket = directory.resolve("bus.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file behind
        }
        assertThat(socket).exists();

        try (TransportListener listener = Transports.listen(new BusAddress.Unix(socket));
                Transport client = Transports.connect(listener.address());
                Transport server = listener.accept()) {
            client.write(ByteBuffer.wrap(new byte[] {7}));
            assertThat(StreamCheck.readExactly(server, 1)).containsExactly(7);
        }
    }

    @Test
    void refusesAnAddressALiveBusListensOn() {
        BusAddress address = new BusAddress.Unix(directory.resolve("bus.sock"));
        try (TransportListener first = Transports.listen(address)) {
            assertThatThrownBy(() -> Transports.listen(address))
                    .isInstanceOf(TransportException.class)
                    .hasMessageStartingWith("address in use: another bus listens on " + address);
            assertThat(first.address()).isEqualTo(address);
        }
    }

    @Test
    void refusesToReplaceAFileThatIsNotASocket() throws Exception {
        Path file = Files.writeString(directory.resolve("bus.sock"), "precious");
        assertThatThrownBy(() -> Transports.listen(new BusAddress.Unix(file)))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(file).hasContent("precious");
    }

    @Test
    void closeRemovesTheSocketFileAndIsIdempotent() {
        Path socket = directory.resolve("bus.sock");
        TransportListener listener = Transports.listen(new BusAddress.Unix(socket));
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();
        listener.close();
        listener.close();
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThatThrownBy(listener::accept).isInstanceOf(TransportException.class).hasMessageContaining("closed");
    }

    @Test
    void closeUnblocksAnAccept() {
        TransportListener listener = Transports.listen(new BusAddress.Unix(directory.resolve("bus.sock")));
        CompletableFuture<Transport> accept = CompletableFuture.supplyAsync(listener::accept, r -> Thread.ofPlatform().start(r));
        await().during(Duration.ofMillis(100)).until(() -> !accept.isDone());
        listener.close();
        assertThat(accept).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().havingCause().isInstanceOf(TransportException.class);
    }

    @Test
    void connectingToNothingSaysHowToStartABus() {
        BusAddress address = new BusAddress.Unix(directory.resolve("nobody.sock"));
        assertThatThrownBy(() -> Transports.connect(address))
                .isInstanceOf(TransportException.class)
                .hasMessage("cannot connect to " + address
                        + ": no such file (is a bus running? start one with `minbus serve`)");
    }

    @Test
    void connectingToAStaleSocketSaysSo() throws Exception {
        Path socket = directory.resolve("bus.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThatThrownBy(() -> Transports.connect(new BusAddress.Unix(socket)))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("stale")
                .hasMessageContaining("minbus serve");
    }

    @Test
    void aServerCanAcceptOnTheChannelAndWrap() throws Exception {
        try (TransportListener listener = Transports.listen(new BusAddress.Unix(directory.resolve("bus.sock")));
                Transport client = Transports.connect(listener.address());
                SocketChannel accepted = listener.channel().accept();
                Transport server = Transports.wrap(accepted, "unix:accepted")) {
            server.write(ByteBuffer.wrap(new byte[] {1, 2}));
            assertThat(StreamCheck.readExactly(client, 2)).containsExactly(1, 2);
            assertThat(server.socketChannel()).contains(accepted);
            assertThat(server.peerCredentials()).isPresent();
            accepted.configureBlocking(false);
            assertThatThrownBy(() -> Transports.wrap(accepted, "x")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
