package io.minbus.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.minbus.identity.HandshakeException.Reason;
import io.minbus.identity.internal.Bytes;
import io.minbus.identity.internal.Hashes;
import io.minbus.identity.internal.X25519;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** The handshake between our own client and server, and every way it is refused. */
@Timeout(30)
class HandshakeTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private Random random;
    private Keys clientKeys;
    private Keys serverKeys;
    private NetworkKey network;
    private Transport client;
    private Transport server;

    @BeforeEach
    void setUp(TestInfo test) {
        random = new Random(TestKeys.seed(test.getDisplayName()));
        clientKeys = TestKeys.keys(random);
        serverKeys = TestKeys.keys(random);
        network = TestKeys.networkKey(random);
        Transport[] pair = Transports.inMemoryPair(4096);
        client = pair[0];
        server = pair[1];
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
        executor.shutdownNow();
    }

    private CompletableFuture<HandshakeOutcome> serve(NetworkKey key, Keys keys) {
        return CompletableFuture.supplyAsync(() -> Handshake.server(server, key, keys), executor);
    }

    private CompletableFuture<HandshakeOutcome> connect(NetworkKey key, Keys keys, Identity expected) {
        return CompletableFuture.supplyAsync(() -> Handshake.client(client, key, keys, expected), executor);
    }

    @Test
    void bothSidesLearnTheOthersIdentityAndMatchingKeys() {
        CompletableFuture<HandshakeOutcome> atServer = serve(network, serverKeys);
        HandshakeOutcome atClient = Handshake.client(client, network, clientKeys, serverKeys.identity());

        HandshakeOutcome s = atServer.join();
        assertThat(atClient.peer()).isEqualTo(serverKeys.identity());
        assertThat(atClient.local()).isEqualTo(clientKeys.identity());
        assertThat(s.peer()).isEqualTo(clientKeys.identity());
        assertThat(atClient.encryptKey()).isEqualTo(s.decryptKey());
        assertThat(atClient.encryptNonce()).isEqualTo(s.decryptNonce());
        assertThat(atClient.decryptKey()).isEqualTo(s.encryptKey());
        assertThat(atClient.decryptNonce()).isEqualTo(s.encryptNonce());
        assertThat(atClient.encryptKey()).isNotEqualTo(atClient.decryptKey());
        assertThat(atClient.toString()).doesNotContain(Base64.getEncoder().encodeToString(atClient.encryptKey()));
        assertThat(client.isOpen()).isTrue();
        assertThat(server.isOpen()).isTrue();
    }

    @Test
    void eachHandshakeDerivesFreshKeys() {
        CompletableFuture<HandshakeOutcome> first = serve(network, serverKeys);
        HandshakeOutcome one = Handshake.client(client, network, clientKeys, serverKeys.identity());
        first.join();
        Transport[] pair = Transports.inMemoryPair(4096);
        CompletableFuture<HandshakeOutcome> second =
                CompletableFuture.supplyAsync(() -> Handshake.server(pair[1], network, serverKeys), executor);
        HandshakeOutcome two = Handshake.client(pair[0], network, clientKeys, serverKeys.identity());
        second.join();

        assertThat(two.encryptKey()).isNotEqualTo(one.encryptKey());
        assertThat(two.encryptNonce()).isNotEqualTo(one.encryptNonce());
    }

    @Test
    void aClientOfAnotherNetworkIsDroppedWithoutAWord() {
        CompletableFuture<HandshakeOutcome> atServer = serve(network, serverKeys);
        NetworkKey other = TestKeys.networkKey(random);

        assertThatThrownBy(() -> Handshake.client(client, other, clientKeys, serverKeys.identity()))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PEER_HUNG_UP))
                .hasMessageContaining("memory:")
                .hasMessageContaining("instead of sending the server's hello (msg2)")
                .hasMessageContaining("another network key");
        assertThat(atServer).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NETWORK_MISMATCH))
                .withMessageContaining("not authenticated with our network key")
                .withMessageNotContaining(HexFormat.of().formatHex(network.bytes()))
                .withMessageNotContaining(Base64.getEncoder().encodeToString(network.bytes()));
        assertThat(client.isOpen()).isFalse();
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void theServerSendsNothingAtAllToAWrongHello() {
        CompletableFuture<HandshakeOutcome> atServer = serve(network, serverKeys);
        byte[] garbage = new byte[64];
        random.nextBytes(garbage);
        client.write(ByteBuffer.wrap(garbage));

        assertThat(client.read(ByteBuffer.allocate(64))).as("the server's first and only answer").isEqualTo(-1);
        assertThat(atServer).failsWithin(PROMPTLY);
    }

    @Test
    void aServerOfAnotherNetworkIsRefusedByTheClient() {
        CompletableFuture<HandshakeOutcome> atClient = connect(network, clientKeys, serverKeys.identity());
        // a server on another network answers with a hello the client cannot authenticate
        ScriptedPeer peer = new ScriptedPeer(server);
        peer.read(64);
        NetworkKey other = TestKeys.networkKey(random);
        byte[] ephemeral = X25519.publicKey(ScriptedPeer.random(random, 32));
        peer.write(Bytes.concat(
                Hashes.auth(other.bytes(), ephemeral), ephemeral));

        assertThat(atClient).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NETWORK_MISMATCH))
                .withMessageContaining("server's hello (msg2)");
        assertThat(peer.readToEnd()).as("the client sends nothing after a bad msg2").isZero();
    }

    @Test
    void aClientExpectingAnotherServerKeyIsRefusedAndCannotTellWhy() {
        CompletableFuture<HandshakeOutcome> atServer = serve(network, serverKeys);
        Identity impostor = TestKeys.keys(random).identity();

        assertThatThrownBy(() -> Handshake.client(client, network, clientKeys, impostor))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PEER_HUNG_UP))
                .hasMessageContaining("after our authentication")
                .hasMessageContaining(impostor.toString() + " is not the server's key");
        assertThat(atServer).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CLIENT_NOT_VERIFIED))
                .withMessageContaining("does not open");
    }

    @Test
    void aServerPolicyCanRefuseAProvedClient() {
        CompletableFuture<HandshakeOutcome> atServer = CompletableFuture.supplyAsync(
                () -> Handshake.server(server, network, serverKeys, Duration.ofSeconds(10),
                        id -> !id.equals(clientKeys.identity())),
                executor);

        assertThatThrownBy(() -> Handshake.client(client, network, clientKeys, serverKeys.identity()))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PEER_HUNG_UP))
                .hasMessageContaining("does not admit our key " + clientKeys.identity());
        assertThat(atServer).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED))
                .withMessageContaining(clientKeys.identity().toString());
    }

    @Test
    void truncatedMessagesAreReportedWithHowMuchArrived() {
        CompletableFuture<HandshakeOutcome> atServer = serve(network, serverKeys);
        client.write(ByteBuffer.wrap(new byte[10]));
        client.shutdownOutput();

        assertThat(atServer).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PEER_HUNG_UP))
                .withMessageContaining("after 10 of 64 bytes");
    }

    @Test
    void aTruncatedAcceptanceFailsTheClient() {
        CompletableFuture<HandshakeOutcome> atClient = connect(network, clientKeys, serverKeys.identity());
        ScriptedPeer peer = new ScriptedPeer(server);
        ScriptedPeer.Recording recording = peer.serveUntilMsg4(network, serverKeys, random);
        peer.write(Arrays.copyOf(recording.msg4(), 79));
        peer.transport().shutdownOutput();

        assertThat(atClient).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PEER_HUNG_UP))
                .withMessageContaining("after 79 of 80 bytes");
    }

    @Test
    void aForgedSignatureInTheClientsAuthenticationIsRefused() {
        CompletableFuture<HandshakeOutcome> atServer = serve(network, serverKeys);
        ScriptedPeer peer = new ScriptedPeer(client);
        // msg3 boxed correctly, but the signature is by another key than the one it names
        peer.authenticateWithForgedSignature(network, clientKeys, TestKeys.keys(random), serverKeys.identity(), random);

        assertThat(atServer).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CLIENT_NOT_VERIFIED))
                .withMessageContaining("no valid signature");
        assertThat(peer.readToEnd()).as("no msg4 for a forged msg3").isZero();
    }

    @Test
    void aForgedAcceptanceIsRefusedByTheClient() {
        CompletableFuture<HandshakeOutcome> atClient = connect(network, clientKeys, serverKeys.identity());
        ScriptedPeer peer = new ScriptedPeer(server);
        ScriptedPeer.Recording recording = peer.serveUntilMsg4(network, serverKeys, random);
        byte[] forged = recording.msg4().clone();
        forged[40] ^= 1;
        peer.write(forged);

        assertThat(atClient).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SERVER_NOT_VERIFIED))
                .withMessageContaining("does not prove");
    }

    @Test
    void aReplayedClientSessionIsRefused() {
        // record a real client's msg1 and msg3 ...
        CompletableFuture<HandshakeOutcome> original = serve(network, serverKeys);
        ScriptedPeer.Tap tap = ScriptedPeer.tap(client);
        HandshakeOutcome ok = Handshake.client(tap, network, clientKeys, serverKeys.identity());
        original.join();
        assertThat(ok.peer()).isEqualTo(serverKeys.identity());

        // ... and play them to the server again: its fresh ephemeral key makes msg3 useless
        Transport[] pair = Transports.inMemoryPair(4096);
        CompletableFuture<HandshakeOutcome> replayed =
                CompletableFuture.supplyAsync(() -> Handshake.server(pair[1], network, serverKeys), executor);
        ScriptedPeer attacker = new ScriptedPeer(pair[0]);
        attacker.write(tap.written(0, 64));
        attacker.read(64);
        attacker.write(tap.written(64, 112));

        assertThat(replayed).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CLIENT_NOT_VERIFIED));
        assertThat(attacker.readToEnd()).isZero();
    }

    @Test
    void aReplayedServerAcceptanceIsRefused() {
        // a recorded server session (msg2 and msg4) played to a new client
        ScriptedPeer.Tap serverTap = ScriptedPeer.tap(server);
        CompletableFuture<HandshakeOutcome> original = CompletableFuture.supplyAsync(
                () -> Handshake.server(serverTap, network, serverKeys), executor);
        HandshakeOutcome ok = Handshake.client(client, network, clientKeys, serverKeys.identity());
        original.join();
        assertThat(ok.peer()).isEqualTo(serverKeys.identity());
        byte[] recorded = serverTap.written(0, 64 + 80);

        Transport[] pair = Transports.inMemoryPair(4096);
        CompletableFuture<HandshakeOutcome> victim = CompletableFuture.supplyAsync(
                () -> Handshake.client(pair[0], network, clientKeys, serverKeys.identity()), executor);
        ScriptedPeer attacker = new ScriptedPeer(pair[1]);
        attacker.read(64);
        attacker.write(Arrays.copyOf(recorded, 64));
        attacker.read(112);
        attacker.write(Arrays.copyOfRange(recorded, 64, 144));

        assertThat(victim).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SERVER_NOT_VERIFIED));
    }

    @Test
    void aSilentPeerTimesOut() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Handshake.server(server, network, serverKeys, Duration.ofMillis(300), id -> true))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT))
                .hasMessageContaining("within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void aClosedTransportIsAnIoError() {
        client.close();
        assertThatThrownBy(() -> Handshake.client(client, network, clientKeys, serverKeys.identity()))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IO_ERROR))
                .hasMessageContaining("secret handshake with memory:");
    }

    @Test
    void secretsNeverAppearInMessages() {
        CompletableFuture<HandshakeOutcome> atServer = serve(network, serverKeys);
        NetworkKey other = TestKeys.networkKey(random);
        Throwable atClient = catchThrowable(
                () -> Handshake.client(client, other, clientKeys, serverKeys.identity()));
        Throwable serverSide = catchThrowable(atServer::join);

        for (Throwable t : new Throwable[] {atClient, serverSide}) {
            String text = String.valueOf(t) + t.getCause();
            for (byte[] secret : new byte[][] {network.bytes(), other.bytes()}) {
                assertThat(text).doesNotContain(HexFormat.of().formatHex(secret))
                        .doesNotContain(Base64.getEncoder().encodeToString(secret));
            }
        }
        assertThat(clientKeys.toString()).isEqualTo("Keys[" + clientKeys.identity() + "]");
        assertThat(network.toString()).isEqualTo("NetworkKey[custom]");
    }
}
