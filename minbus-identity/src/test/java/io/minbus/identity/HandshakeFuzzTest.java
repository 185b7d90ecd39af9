package io.minbus.identity;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fuzzes the server side of the secret handshake ({@link Handshake#server}) over in-memory transports:
 * arbitrary bytes as msg1, and a genuine client's msg1 and msg2 exchanged, then its msg3 replaced by
 * (or XORed with) arbitrary bytes. The server may only fail with {@link HandshakeException}, promptly;
 * it succeeds only when msg3 arrived unchanged. Replays the corpus under {@code
 * src/test/resources/io/minbus/identity/HandshakeFuzzTestInputs} in a normal build; {@code
 * scripts/fuzz.sh io.minbus.identity.HandshakeFuzzTest#arbitraryMsg3 180} fuzzes for real.
 */
class HandshakeFuzzTest {
    private static final Keys SERVER = Keys.fromSeed(seed(1));
    private static final Keys CLIENT = Keys.fromSeed(seed(2));
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @FuzzTest(maxDuration = "10s")
    void arbitraryMsg1(byte[] msg1) throws Exception {
        Transport[] pair = Transports.inMemoryPair(4096);
        CompletableFuture<HandshakeOutcome> server = serve(pair[1]);
        try {
            pair[0].write(ByteBuffer.wrap(msg1));
            pair[0].shutdownOutput();
        } catch (TransportException e) {
            // the server hung up already
        }
        expectFailure(server, false);
        pair[0].close();
    }

    @FuzzTest(maxDuration = "10s")
    void arbitraryMsg3(FuzzedDataProvider data) throws Exception {
        Transport[] clientSide = Transports.inMemoryPair(4096);
        Transport[] serverSide = Transports.inMemoryPair(4096);
        CompletableFuture<HandshakeOutcome> server = serve(serverSide[1]);
        CompletableFuture<HandshakeOutcome> client = CompletableFuture.supplyAsync(
                () -> Handshake.client(clientSide[0], NetworkKey.MINBUS, CLIENT, SERVER.identity()));
        Transport toClient = clientSide[1];
        Transport toServer = serverSide[0];
        boolean unchanged;
        try {
            toServer.write(ByteBuffer.wrap(readFully(toClient, 64)));
            toClient.write(ByteBuffer.wrap(readFully(toServer, 64)));
            byte[] msg3 = readFully(toClient, 112);
            byte[] fuzzed;
            if (data.consumeBoolean()) {
                fuzzed = data.consumeRemainingAsBytes(); // replaced
            } else {
                fuzzed = msg3.clone();
                byte[] mask = data.consumeRemainingAsBytes();
                for (int i = 0; i < mask.length && i < fuzzed.length; i++) {
                    fuzzed[i] ^= mask[i];
                }
            }
            unchanged = Arrays.equals(fuzzed, msg3);
            toServer.write(ByteBuffer.wrap(fuzzed));
            toServer.shutdownOutput();
        } catch (TransportException e) {
            unchanged = false;
        }
        expectFailure(server, unchanged);
        toServer.close();
        toClient.close();
        clientSide[0].close();
        try {
            client.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // the client's fate is not under test
        }
    }

    private static CompletableFuture<HandshakeOutcome> serve(Transport t) {
        CompletableFuture<HandshakeOutcome> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(Handshake.server(t, NetworkKey.MINBUS, SERVER, TIMEOUT, id -> true));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private static void expectFailure(CompletableFuture<HandshakeOutcome> server, boolean mayAccept) throws Exception {
        try {
            HandshakeOutcome outcome = server.get(TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
            if (!mayAccept) {
                throw new AssertionError("the server accepted a forged handshake: " + outcome);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof HandshakeException)) {
                throw new AssertionError("the server failed with something other than HandshakeException", e.getCause());
            }
        } catch (TimeoutException e) {
            throw new AssertionError("the server neither failed nor finished within its timeout", e);
        }
    }

    private static byte[] readFully(Transport t, int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (t.read(b) < 0) {
                throw new TransportException("end of stream after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.array();
    }

    private static byte[] seed(int fill) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) fill);
        return s;
    }
}
