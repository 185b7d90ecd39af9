package io.minbus.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * InputStream and OutputStream parameters and results travel on extra channels with back-pressure.
 * "direct": the side that uses a stream opens its channel; "dialled": the server has no opener
 * (over minbus: a plugin cannot open channels to a nameless client), so it asks the client to.
 * The test JVM has a 256 MiB heap, so a 1 GiB stream that were buffered would fail.
 */
@Timeout(60)
class StreamTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    /** The contract. */
    public interface Files {
        Digest digest(InputStream in) throws IOException;

        InputStream generate(long seed, long length);

        void fill(long seed, long length, OutputStream out) throws IOException;

        OutputStream sink();

        Digest lastSink();

        int ignore(InputStream in);

        Digest both(InputStream a, String label, InputStream b) throws IOException;
    }

    static final class Server implements Files {
        final AtomicReference<Digest.Sink> sink = new AtomicReference<>();
        final AtomicReference<Generated> generated = new AtomicReference<>();

        @Override
        public Digest digest(InputStream in) throws IOException {
            return Digest.of(in);
        }

        @Override
        public InputStream generate(long seed, long length) {
            Generated g = new Generated(seed, length);
            generated.set(g);
            return g;
        }

        @Override
        public void fill(long seed, long length, OutputStream out) throws IOException {
            new Generated(seed, length).transferTo(out);
        }

        @Override
        public OutputStream sink() {
            Digest.Sink s = new Digest.Sink();
            sink.set(s);
            return s;
        }

        @Override
        public Digest lastSink() {
            return sink.get().digest();
        }

        @Override
        public int ignore(InputStream in) {
            return 7;
        }

        @Override
        public Digest both(InputStream a, String label, InputStream b) throws IOException {
            Digest da = Digest.of(a);
            Digest db = Digest.of(b);
            return new Digest(da.bytes() + db.bytes() + label.length(), da.crc() ^ db.crc());
        }
    }

    private final Server impl = new Server();

    private Peers peers(boolean serverCanOpen) {
        return new Peers(RpcNode.builder().instance("files", Files.class, r -> impl).build(), serverCanOpen);
    }

    @ParameterizedTest(name = "server can open: {0}")
    @ValueSource(booleans = {true, false})
    void aGibibyteArgumentIsStreamedWithItsChecksum(boolean serverCanOpen) throws IOException {
        long seed = Seeds.seed("aGibibyteArgumentIsStreamedWithItsChecksum");
        long length = serverCanOpen ? GIB : 256 * MIB;
        try (Peers peers = peers(serverCanOpen)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            Generated source = new Generated(seed, length);
            Digest remote = files.digest(source);
            assertThat(remote).isEqualTo(Generated.digestOf(seed, length));
            assertThat(source.isClosed()).as("an argument stream stays the caller's").isFalse();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> peers.openChannelEnds() == 2);
        }
    }

    @ParameterizedTest(name = "server can open: {0}")
    @ValueSource(booleans = {true, false})
    void anInputStreamResultIsReadByTheCaller(boolean serverCanOpen) throws IOException {
        long seed = Seeds.seed("anInputStreamResultIsReadByTheCaller");
        try (Peers peers = peers(serverCanOpen)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            try (InputStream in = files.generate(seed, 64 * MIB + 3)) {
                assertThat(Digest.of(in)).isEqualTo(Generated.digestOf(seed, 64 * MIB + 3));
                assertThat(in.read()).isEqualTo(-1);
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> impl.generated.get().isClosed());
        }
    }

    @Test
    void closingAResultEarlyStopsTheSender() throws IOException {
        try (Peers peers = peers(false)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            InputStream in = files.generate(1, 8 * GIB);
            assertThat(in.readNBytes(1000)).hasSize(1000);
            in.close();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> impl.generated.get().isClosed());
            assertThat(impl.generated.get().produced()).as("back-pressure: the sender stopped early").isLessThan(16 * MIB);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
            InputStream unread = files.generate(2, 10);
            unread.close();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> impl.generated.get().isClosed());
        }
    }

    @ParameterizedTest(name = "server can open: {0}")
    @ValueSource(booleans = {true, false})
    void anOutputStreamArgumentIsCompleteWhenTheCallReturns(boolean serverCanOpen) throws IOException {
        long seed = Seeds.seed("anOutputStreamArgumentIsCompleteWhenTheCallReturns");
        try (Peers peers = peers(serverCanOpen)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            Digest.Sink out = new Digest.Sink();
            files.fill(seed, 64 * MIB + 5, out);
            assertThat(out.digest()).isEqualTo(Generated.digestOf(seed, 64 * MIB + 5));
            assertThat(out.isClosed()).as("an argument stream stays the caller's").isFalse();
        }
    }

    @Test
    void anOutputStreamResultIsWrittenByTheCaller() throws IOException {
        long seed = Seeds.seed("anOutputStreamResultIsWrittenByTheCaller");
        try (Peers peers = peers(false)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            try (OutputStream out = files.sink()) {
                new Generated(seed, 16 * MIB + 1).transferTo(out);
            }
            assertThat(impl.sink.get().isClosed()).as("a result stream is closed once its transfer ends").isTrue();
            assertThat(files.lastSink()).isEqualTo(Generated.digestOf(seed, 16 * MIB + 1));
            OutputStream unused = files.sink();
            unused.close();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> impl.sink.get().isClosed());
        }
    }

    @Test
    void twoStreamsInOneCall() throws IOException {
        try (Peers peers = peers(true)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            Digest d = files.both(new Generated(1, 3 * MIB), "xy", new Generated(2, MIB));
            Digest a = Generated.digestOf(1, 3 * MIB);
            Digest b = Generated.digestOf(2, MIB);
            assertThat(d).isEqualTo(new Digest(4 * MIB + 2, a.crc() ^ b.crc()));
        }
    }

    @ParameterizedTest(name = "server can open: {0}")
    @ValueSource(booleans = {true, false})
    void anUnreadArgumentIsDropped(boolean serverCanOpen) {
        try (Peers peers = peers(serverCanOpen)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            Generated source = new Generated(1, GIB);
            assertThat(files.ignore(source)).isEqualTo(7);
            assertThat(source.produced()).isZero();
            assertThat(files.ignore(null)).as("a null stream is ref 0").isEqualTo(7);
        }
    }

    @Test
    void aFailingSourceFailsTheReaderWithItsReason() {
        try (Peers peers = peers(true)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            InputStream broken = new InputStream() {
                int left = 200_000;

                @Override
                public int read() throws IOException {
                    if (left-- <= 0) {
                        throw new IOException("disk on fire");
                    }
                    return 1;
                }
            };
            assertThatThrownBy(() -> files.digest(broken)).isInstanceOfSatisfying(RemoteException.class,
                            e -> assertThat(e.remoteType()).hasValue("java.io.IOException"))
                    .hasMessageContaining("the sending side of stream ref 1 failed: reading the source of stream ref 1 failed: disk on fire");
        }
    }

    @Test
    void aFailingDestinationFailsTheWriter() {
        try (Peers peers = peers(false)) {
            Files files = peers.connect("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            OutputStream broken = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("no space left");
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    throw new IOException("no space left");
                }
            };
            assertThatThrownBy(() -> files.fill(1, 10 * MIB, broken)).isInstanceOf(RemoteException.class)
                    .hasMessageContaining("no space left");
        }
    }

    @Test
    void withoutAnyOpenerTheErrorSaysWhatToDo() {
        try (Peers peers = peers(false)) {
            Files files = peers.connectWithoutOpener("files", new byte[0], RpcConfig.defaults()).proxy(Files.class);
            assertThatThrownBy(() -> files.digest(new Generated(1, 10))).isInstanceOf(RemoteException.class)
                    .hasMessageContaining("neither side can open the channel of stream ref 1: give one side a ChannelOpener");
            assertThat(files.generate(1, 0)).as("the call itself works; only reading needs a channel").isNotNull();
        }
    }
}
