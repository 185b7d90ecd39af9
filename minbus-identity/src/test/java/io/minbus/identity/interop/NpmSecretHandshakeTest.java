package io.minbus.identity.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.identity.HandshakeException;
import io.minbus.identity.HandshakeException.Reason;
import io.minbus.identity.Identity;
import io.minbus.identity.Keys;
import io.minbus.identity.NetworkKey;
import io.minbus.identity.SecureTransport;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;
import io.minbus.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Our handshake and box-stream against the npm reference implementations ({@code
 * secret-handshake}, {@code pull-box-stream}) over TCP on the loopback interface, in both roles:
 * the npm side greets, then echoes everything until our goodbye, then sends its own.
 */
@Timeout(120)
class NpmSecretHandshakeTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] GREETING = "hello from npm\n".getBytes(StandardCharsets.UTF_8);

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private long seed;
    private Keys keys;

    @BeforeEach
    void setUp(TestInfo test) {
        seed = Long.getLong("minbus.test.seed", System.nanoTime());
        System.out.println(test.getDisplayName() + ": seed " + seed + " (replay with -Dminbus.test.seed=" + seed + ")");
        byte[] keySeed = new byte[32];
        new Random(seed).nextBytes(keySeed);
        keys = Keys.fromSeed(keySeed);
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    @Test
    void ourClientTalksToTheNpmServer() throws Exception {
        try (NodePeer node = new NodePeer("server", HEX.formatHex(NetworkKey.MINBUS.bytes()))) {
            String[] listening = node.expect("listening");
            Identity server = Identity.of(HEX.parseHex(listening[1]));
            BusAddress address = BusAddress.parse("net:127.0.0.1:" + listening[0] + "~shs:" + server.base64());

            try (SecureTransport secure = SecureTransport.connect(address, NetworkKey.MINBUS, keys)) {
                assertThat(secure.peer()).isEqualTo(server);
                assertThat(node.expect("peer")).containsExactly(HEX.formatHex(keys.identity().bytes()));
                exchange(secure);
            }
            assertThat(node.expect("echoed")).containsExactly(Integer.toString(GREETING.length + dataLength()));
            assertThat(node.exitCode()).as("npm server's exit; stderr: %s", node.stderrText()).isZero();
        }
    }

    @Test
    void theNpmClientTalksToOurServer() throws Exception {
        try (TransportListener listener = Transports.listen(BusAddress.parse("net:127.0.0.1:0"));
                NodePeer node = new NodePeer("client", HEX.formatHex(NetworkKey.MINBUS.bytes()),
                        Integer.toString(((BusAddress.Tcp) listener.address()).port()),
                        HEX.formatHex(keys.identity().bytes()))) {
            Identity client = Identity.of(HEX.parseHex(node.expect("client")[0]));

            try (SecureTransport secure = SecureTransport.server(listener.accept(), NetworkKey.MINBUS, keys)) {
                assertThat(secure.peer()).isEqualTo(client);
                assertThat(node.expect("peer")).containsExactly(HEX.formatHex(keys.identity().bytes()));
                exchange(secure);
            }
            assertThat(node.expect("echoed")).containsExactly(Integer.toString(GREETING.length + dataLength()));
            assertThat(node.exitCode()).as("npm client's exit; stderr: %s", node.stderrText()).isZero();
        }
    }

    @Test
    void anNpmClientOfAnotherNetworkIsDroppedByOurServer() throws Exception {
        byte[] otherNetwork = new byte[32];
        new Random(seed + 1).nextBytes(otherNetwork);
        try (TransportListener listener = Transports.listen(BusAddress.parse("net:127.0.0.1:0"));
                NodePeer node = new NodePeer("client", HEX.formatHex(otherNetwork),
                        Integer.toString(((BusAddress.Tcp) listener.address()).port()),
                        HEX.formatHex(keys.identity().bytes()))) {
            node.expect("client");
            Transport accepted = listener.accept();

            assertThatThrownBy(() -> SecureTransport.server(accepted, NetworkKey.MINBUS, keys))
                    .isInstanceOfSatisfying(HandshakeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NETWORK_MISMATCH));
            assertThat(node.exitCode()).isEqualTo(1);
            assertThat(node.stderrText()).startsWith("error");
        }
    }

    @Test
    void anNpmServerWithAnotherKeyIsRefusedByOurClient() throws Exception {
        try (NodePeer node = new NodePeer("server", HEX.formatHex(NetworkKey.MINBUS.bytes()))) {
            String[] listening = node.expect("listening");
            Transport raw = Transports.connect(BusAddress.parse("net:127.0.0.1:" + listening[0]));
            Identity impostor = Keys.generate().identity(); // not the key the npm server has

            assertThatThrownBy(() -> SecureTransport.client(raw, NetworkKey.MINBUS, keys, impostor))
                    .isInstanceOfSatisfying(HandshakeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.PEER_HUNG_UP))
                    .hasMessageContaining("is not the server's key");
            assertThat(node.exitCode()).isEqualTo(1);
        }
    }

    private int dataLength() {
        return 200_000 + (int) Math.floorMod(seed, 50_000L);
    }

    /**
     * Reads the greeting, sends seeded random data in writes of random sizes (up to 3 boxes each)
     * while reading the echo, sends the goodbye, and checks that the echo is complete and ends
     * with the npm side's goodbye.
     */
    private void exchange(SecureTransport secure) throws Exception {
        byte[] data = new byte[dataLength()];
        Random random = new Random(seed);
        random.nextBytes(data);
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(secure), executor);
        int sent = 0;
        while (sent < data.length) {
            int n = Math.min(data.length - sent, random.nextInt(1, 3 * 4096));
            secure.write(ByteBuffer.wrap(data, sent, n));
            sent += n;
        }
        secure.shutdownOutput();

        byte[] all = received.get();
        assertThat(new String(all, 0, Math.min(all.length, GREETING.length), StandardCharsets.UTF_8))
                .isEqualTo(new String(GREETING, StandardCharsets.UTF_8));
        assertThat(Arrays.copyOfRange(all, GREETING.length, all.length)).as("echo, seed %d", seed).isEqualTo(data);
    }

    /** Everything until end of stream, which only the npm side's goodbye gives. */
    private static byte[] readAll(Transport transport) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(10_000);
        while (transport.read(buffer.clear()) >= 0) {
            all.write(buffer.array(), 0, buffer.position());
        }
        return all.toByteArray();
    }
}
