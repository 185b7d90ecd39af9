package io.minbus.identity;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link io.minbus.transport.Transport} contract, as the transport module's conformance suite
 * states it, for a {@link SecureTransport} over each kind of transport: a subclass makes the raw
 * connected pair, this class runs the handshake over it.
 */
@Timeout(60)
abstract class AbstractSecureTransportTest {

    private static final int BULK_BYTES = 4 * 1024 * 1024;
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    protected SecureTransport a;
    protected SecureTransport b;
    protected ExecutorService executor;
    private long seed;
    private Keys aKeys;
    private Keys bKeys;

    /** Makes two connected raw transports. */
    protected abstract Transport[] connectRaw() throws Exception;

    /** Releases what {@link #connectRaw()} made besides the transports. */
    protected void release() throws Exception {}

    @BeforeEach
    void connect(TestInfo test) throws Exception {
        executor = Executors.newCachedThreadPool();
        seed = TestKeys.seed(getClass().getSimpleName() + "." + test.getDisplayName());
        Random random = new Random(seed);
        aKeys = TestKeys.keys(random);
        bKeys = TestKeys.keys(random);
        Transport[] raw = connectRaw();
        Future<SecureTransport> server =
                executor.submit(() -> SecureTransport.server(raw[1], NetworkKey.MINBUS, bKeys));
        a = SecureTransport.client(raw[0], NetworkKey.MINBUS, aKeys, bKeys.identity());
        b = server.get();
    }

    @AfterEach
    void close() throws Exception {
        a.close();
        b.close();
        executor.shutdownNow();
        release();
    }

    @Test
    void bytesArriveInOrderInBothDirectionsAtOnce() throws Exception {
        Future<StreamCheck.Tally> sentByA = executor.submit(() -> StreamCheck.send(a, seed, BULK_BYTES));
        Future<StreamCheck.Tally> sentByB = executor.submit(() -> StreamCheck.send(b, seed + 1, BULK_BYTES));
        Future<StreamCheck.Tally> receivedByB = executor.submit(() -> StreamCheck.receive(b, seed + 2));
        Future<StreamCheck.Tally> receivedByA = executor.submit(() -> StreamCheck.receive(a, seed + 3));

        assertThat(receivedByB.get()).as("a to b, seed %d", seed).isEqualTo(sentByA.get());
        assertThat(receivedByA.get()).as("b to a, seed %d", seed).isEqualTo(sentByB.get());
        assertThat(sentByA.get().bytes()).isEqualTo(BULK_BYTES);
    }

    @Test
    void shutdownOutputSendsTheGoodbyeWhileTheOtherDirectionWorks() {
        a.write(bytes("ping"));
        a.shutdownOutput();

        assertThat(StreamCheck.readExactly(b, 4)).asString(UTF_8).isEqualTo("ping");
        assertThat(b.read(ByteBuffer.allocate(16))).isEqualTo(-1);
        assertThat(b.read(ByteBuffer.allocate(16))).as("end of stream stays").isEqualTo(-1);

        b.write(bytes("pong"));
        assertThat(StreamCheck.readExactly(a, 4)).asString(UTF_8).isEqualTo("pong");
        b.shutdownOutput();
        assertThat(a.read(ByteBuffer.allocate(16))).isEqualTo(-1);
        assertThat(a.isOpen()).isTrue();
    }

    @Test
    void writeAfterShutdownOutputFails() {
        a.shutdownOutput();
        a.shutdownOutput(); // idempotent
        assertThatThrownBy(() -> a.write(bytes("late")))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining(a.description())
                .hasMessageContaining("shut down");
    }

    @Test
    void closeUnblocksABlockedReader() {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> a.read(ByteBuffer.allocate(16)), executor);
        await().during(Duration.ofMillis(200)).atMost(PROMPTLY).until(() -> !read.isDone());

        a.close();

        assertThat(read).succeedsWithin(PROMPTLY).isEqualTo(-1);
        assertThat(a.read(ByteBuffer.allocate(16))).as("a later read").isEqualTo(-1);
    }

    @Test
    void closeUnblocksAReaderOnAVirtualThread() {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                read.complete(a.read(ByteBuffer.allocate(16)));
            } catch (Throwable t) {
                read.completeExceptionally(t);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(PROMPTLY).until(() -> !read.isDone());

        CompletableFuture<Void> close = CompletableFuture.runAsync(a::close, executor);

        assertThat(close).as("close returns").succeedsWithin(PROMPTLY);
        assertThat(read).succeedsWithin(PROMPTLY).isEqualTo(-1);
    }

    @Test
    void peerCloseDeliversWhatWasWrittenThenEndOfStream() {
        a.write(bytes("last "), bytes("words"));
        a.close();

        assertThat(StreamCheck.readExactly(b, 10)).asString(UTF_8).isEqualTo("last words");
        assertThat(b.read(ByteBuffer.allocate(16))).as("the goodbye sent by close").isEqualTo(-1);
    }

    @Test
    void writeAfterPeerCloseEventuallyFails() {
        b.close();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);

        assertThatThrownBy(() -> {
                    while (true) {
                        a.write(chunk.clear());
                    }
                })
                .isInstanceOf(TransportException.class)
                .hasMessageContaining(a.description());
    }

    @Test
    void ownCloseIsIdempotentAndStopsWrites() {
        assertThat(a.isOpen()).isTrue();
        a.close();
        a.close();

        assertThat(a.isOpen()).isFalse();
        assertThat(a.read(ByteBuffer.allocate(16))).isEqualTo(-1);
        assertThatThrownBy(() -> a.write(bytes("late")))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("closed");
        a.shutdownOutput(); // does nothing once closed
    }

    @Test
    void concurrentWritesAreNotInterleaved() throws Exception {
        int writers = 4;
        int messages = 300;
        List<Future<?>> sent = new ArrayList<>();
        Random lengths = new Random(seed);
        for (int w = 0; w < writers; w++) {
            byte id = (byte) w;
            long writerSeed = lengths.nextLong();
            sent.add(executor.submit(() -> {
                Random random = new Random(writerSeed);
                for (int m = 0; m < messages; m++) {
                    int length = random.nextInt(1, 9000);
                    ByteBuffer header = ByteBuffer.allocate(9).put(id).putInt(m).putInt(length).flip();
                    byte[] body = new byte[length];
                    Arrays.fill(body, id);
                    a.write(header, ByteBuffer.wrap(body));
                }
                return null;
            }));
        }
        int[] next = new int[writers];
        for (int i = 0; i < writers * messages; i++) {
            ByteBuffer header = ByteBuffer.wrap(StreamCheck.readExactly(b, 9));
            byte id = header.get();
            assertThat(header.getInt()).as("sequence of writer %d", id).isEqualTo(next[id]++);
            byte[] body = StreamCheck.readExactly(b, header.getInt());
            for (byte x : body) {
                assertThat(x).as("body of writer %d", id).isEqualTo(id);
            }
        }
        for (Future<?> f : sent) {
            f.get();
        }
    }

    @Test
    void readIntoAFullBufferReturnsZero() {
        assertThat(a.read(ByteBuffer.allocate(0))).isZero();
    }

    @Test
    void emptyWritesSendNothing() {
        a.write();
        a.write(ByteBuffer.allocate(0), ByteBuffer.allocate(0));
        a.write(bytes("x"));
        assertThat(StreamCheck.readExactly(b, 1)).asString(UTF_8).isEqualTo("x");
    }

    @Test
    void describesItselfAndItsPeer() {
        assertThat(a.description()).endsWith("~shs:" + bKeys.identity().base64());
        assertThat(b.description()).endsWith("~shs:" + aKeys.identity().base64());
        assertThat(a.description()).matches("\\S+~shs:" + Pattern.quote(bKeys.identity().base64()));
        assertThat(a.peer()).isEqualTo(bKeys.identity());
        assertThat(a.local()).isEqualTo(aKeys.identity());
        assertThat(b.peer()).isEqualTo(aKeys.identity());
        assertThat(a.socketChannel()).as("ciphertext only behind it").isEmpty();
    }

    @Test
    void singleBytesArriveInOrder() {
        Random random = new Random(seed);
        byte[] data = new byte[3000];
        random.nextBytes(data);
        CompletableFuture<byte[]> received =
                CompletableFuture.supplyAsync(() -> StreamCheck.readExactly(b, data.length), executor);
        for (byte x : data) {
            a.write(ByteBuffer.wrap(new byte[] {x}));
        }
        assertThat(received).succeedsWithin(PROMPTLY).isEqualTo(data);
    }

    static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(UTF_8));
    }
}
