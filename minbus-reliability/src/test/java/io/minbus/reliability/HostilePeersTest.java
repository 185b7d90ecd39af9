package io.minbus.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.minbus.client.Channel;
import io.minbus.client.ConnectionRefusedException;
import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.transport.BusAddress;
import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkType;
import io.minbus.wire.Flags;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow and hostile peers over real TCP sockets against one bus in this JVM: each is handled by its
 * documented limit, only the offending connection is affected (a well-behaved client registers and
 * queries after each), and the bus's heap stays under {@link #HEAP_BOUND} above its idle level.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HostilePeersTest {
    static final long HEAP_BOUND = 64L << 20;
    static final int RELAY_BUFFER = 64 * 1024;
    static final int MAX_ENTITIES = 64;
    static final int MAX_RELAYS = 8;

    static MinBusServer server;
    static InetSocketAddress address;
    static long idleHeap;

    @BeforeAll
    static void start() {
        server = MinBusServer.builder().listen(new BusAddress.Tcp("127.0.0.1", 0)).loops(2)
                .limits(ServerLimits.builder().registrationTimeout(Duration.ofSeconds(1)).relayBuffer(RELAY_BUFFER)
                        .watchBacklog(64 * 1024).maxRelaysPerPlugin(MAX_RELAYS)
                        .session(Limits.defaults().withMaxEntities(MAX_ENTITIES)).build())
                .start();
        BusAddress.Tcp tcp = (BusAddress.Tcp) server.addresses().get(0);
        address = new InetSocketAddress(tcp.host(), tcp.port());
        idleHeap = Probe.heapAfterGc();
    }

    /** Completed at the end: handlers that hold their channels open return. */
    static final CompletableFuture<Void> RELEASE = new CompletableFuture<>();

    @AfterAll
    static void stop() {
        RELEASE.complete(null);
        server.close();
    }

    long violations0;

    @BeforeEach
    void before() {
        violations0 = server.stats().violations();
    }

    @AfterEach
    void busStillServesOthers() {
        try (MinBus a = client(); MinBus b = client()) {
            a.register("healthy-" + System.nanoTime(), 1);
            assertThat(b.plugins()).isNotEmpty();
        }
    }

    private static MinBus client() {
        return MinBus.connect(server.addresses().get(0));
    }

    private static void heapBound(String what) {
        long used = Probe.heapAfterGc();
        System.out.printf("HostilePeersTest %s: bus heap %s above idle (%s idle, bound %s)%n", what,
                Probe.mib(used - idleHeap), Probe.mib(idleHeap), Probe.mib(HEAP_BOUND));
        assertThat(used - idleHeap).isLessThan(HEAP_BOUND);
    }

    @Test
    void aReaderThatNeverReadsHoldsAtMostRelayBufferInTheBus() throws Exception {
        List<MinBus> all = new ArrayList<>();
        try {
            List<Channel> outs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                MinBus target = client();
                MinBus sender = client();
                all.add(target);
                all.add(sender);
                Plugin p = target.register("never-reads-" + i, 1);
                p.onConnect(ch -> RELEASE.join()); // accepts and never receives
                outs.add(sender.connect(p.name()));
            }
            long sentTotal = 0;
            for (Channel out : outs) {
                // the sender can put out one receive window plus what the bus buffers, then waits
                while (out.trySend(ByteBuffer.allocate(4096))) {
                    sentTotal += 4096;
                    assertThat(sentTotal).as("bytes accepted without a reader").isLessThan(64L << 20);
                }
            }
            var s = server.stats();
            System.out.printf("HostilePeersTest never-reads: 4 senders got %d bytes out before blocking; relay buffered"
                    + " now %d, max per direction %d (relay_buffer %d, relay_buffer_max %d)%n", sentTotal, s.relayBytesBuffered(),
                    s.relayDirectionBufferedMax(), RELAY_BUFFER, server.limits().relayBufferMax());
            assertThat(s.relayDirectionBufferedMax()).isLessThanOrEqualTo(server.limits().relayBufferMax());
            heapBound("4 readers that never read");
        } finally {
            all.forEach(MinBus::close);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().openRelays() == 0
                && server.stats().relayBytesBuffered() == 0);
    }

    @Test
    void aWatcherThatNeverReadsIsCutOffAtTheWatchBacklog() {
        try (RawPeer w = RawPeer.registered(address, "watch-never-reads")) {
            w.socket.setReceiveBufferSize(4096);
            // open the connection stream with no credit at all, then never read the socket again
            w.send(new Chunk(ChunkType.OUT_STREAM, 1, Flags.PAYLOAD, ByteBuffer.allocate(0), 0, Chunk.empty()));
            List<MinBus> churn = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                MinBus b = client();
                b.register("churn-" + i + "-" + "x".repeat(200), 1); // ~600 events of ~210 bytes each way
                b.close();
                if (server.stats().refusals(Reason.WATCH_BACKLOG) > 0) {
                    break;
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().refusals(Reason.WATCH_BACKLOG) > 0);
            heapBound("a watcher that never reads after 600 join/leave");
        } catch (java.net.SocketException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aWriterThatIgnoresCreditLosesOnlyItsConnection() {
        try (RawPeer p = RawPeer.registered(address, "ignores-credit"); MinBus bystander = client()) {
            bystander.register("bystander", 1);
            // the server granted top_level_credit (4096) on the top level: one 8 KiB top-level message exceeds it
            p.trySend(Chunk.payload(ChunkType.OUT_SINK, 0, ByteBuffer.allocate(8192)));
            assertThat(p.awaitEndOfStream(5000)).as("connection closed").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().violations() > violations0);
            assertThat(bystander.isOpen()).isTrue();
        }
    }

    @Test
    void aClientGrantingOneByteAtATimeStillGetsTheWholeQueryResponse() {
        List<MinBus> plugins = new ArrayList<>();
        try (RawPeer p = RawPeer.registered(address, "one-byte-credit")) {
            List<PluginInfo> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                MinBus b = client();
                plugins.add(b);
                expected.add(b.register("listed-" + i, i).info());
            }
            p.send(new Chunk(ChunkType.OUT_REQUEST, 5, Flags.PAYLOAD | Flags.CREDIT, ByteBuffer.allocate(0), 1, Chunk.empty()));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            long total = -1;
            int chunks = 0;
            while (total < 0 || response.size() < total) {
                Chunk c = p.next(x -> x.type() == ChunkType.PARTIAL || (x.type() == ChunkType.IN_REQUEST && x.id() == 5), 10_000);
                assertThat(c).as("response chunk " + chunks).isNotNull();
                if (c.type() == ChunkType.PARTIAL) {
                    total = c.total();
                    continue;
                }
                assertThat(c.has(Flags.PAYLOAD)).as(c.toString()).isTrue();
                assertThat(c.payload().remaining()).isLessThanOrEqualTo(1);
                byte[] a = new byte[c.payload().remaining()];
                c.payload().get(a);
                response.writeBytes(a);
                chunks++;
                if (total < 0) {
                    total = a.length; // not partial: the whole response in one chunk
                } else if (response.size() < total) {
                    p.send(Chunk.credit(ChunkType.OUT_REQUEST, 5, 1));
                }
            }
            PluginList list = PluginList.decode(ByteBuffer.wrap(response.toByteArray()));
            assertThat(list.plugins()).containsAll(expected);
            System.out.printf("HostilePeersTest one-byte credit: %d-byte response in %d one-byte fragments%n", total, chunks);
        } finally {
            plugins.forEach(MinBus::close);
        }
    }

    @Test
    void entitiesOpenedWithoutEndHitMaxEntities() {
        try (RawPeer p = RawPeer.registered(address, "opens-forever")) {
            // sinks the server cancels (unexpected); never acked, so they stay open on the server's count
            int sent = 0;
            for (int id = 1; id <= MAX_ENTITIES + 1; id++) {
                if (!p.trySend(new Chunk(ChunkType.OUT_SINK, id, Flags.PAYLOAD, ByteBuffer.allocate(0), 0, Chunk.empty()))) {
                    break;
                }
                sent++;
            }
            assertThat(p.awaitEndOfStream(5000)).as("closed after " + sent + " entities").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().violations() > violations0);
        }
        // the client API refuses relays beyond max_relays_per_plugin with 00 07
        List<MinBus> all = new ArrayList<>();
        try {
            for (int i = 0; i <= MAX_RELAYS; i++) {
                MinBus t = client();
                all.add(t);
                t.register("relay-target-" + i, 1).onConnect(ch -> RELEASE.join());
            }
            MinBus initiator = client();
            all.add(initiator);
            for (int i = 0; i < MAX_RELAYS; i++) {
                initiator.connect("relay-target-" + i);
            }
            assertThatThrownBy(() -> initiator.connect("relay-target-" + MAX_RELAYS)).isInstanceOfSatisfying(
                    ConnectionRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.RELAY_LIMIT))
                    .satisfies(e -> System.out.println("HostilePeersTest relay limit: " + e.getMessage()));
            System.out.println("HostilePeersTest relay limit: " + server.stats().refusals());
        } finally {
            all.forEach(MinBus::close);
        }
    }

    @Test
    void oversizeNamesAndPayloads() {
        try (MinBus b = client()) {
            assertThatThrownBy(() -> b.register("n".repeat(256), 1)).isInstanceOf(IllegalArgumentException.class);
        }
        // a registration whose length byte lies: refused with 01 MALFORMED, then the end of the stream
        try (RawPeer p = new RawPeer(address)) {
            p.raw(Preamble.ours(Limits.defaults()).encode());
            p.send(Chunk.credit(ChunkType.OUT_STREAM, 0, 16));
            ByteBuffer bad = ByteBuffer.allocate(10).put((byte) 200).put("abc".getBytes()).flip();
            p.send(Chunk.payload(ChunkType.OUT_SINK, 0, bad));
            Chunk result = p.next(c -> c.type() == ChunkType.OUT_SINK && c.id() == 0 && c.payload().remaining() > 0, 5000);
            assertThat(result).isNotNull();
            assertThat(result.payload().get(0)).isEqualTo((byte) 1);
            assertThat(p.awaitEndOfStream(5000)).isTrue();
        }
        // a chunk header announcing a 1 GiB payload: FRAME_TOO_LARGE before any allocation
        try (RawPeer p = RawPeer.registered(address, "huge-frame")) {
            ByteBuffer header = ByteBuffer.allocate(16);
            header.put((byte) (ChunkType.OUT_SINK.bits() | Flags.PAYLOAD));
            io.minbus.wire.VarU64.write(header, 0);
            io.minbus.wire.VarU64.write(header, 1L << 30);
            header.flip();
            p.raw(header);
            p.trySend(Chunk.payload(ChunkType.OUT_SINK, 0, ByteBuffer.allocate(1000)));
            assertThat(p.awaitEndOfStream(5000)).isTrue();
            heapBound("after a 1 GiB frame header");
        }
        // a message above the bus's max_message is refused locally by the client
        try (MinBus t = client(); MinBus s = client()) {
            t.register("big-target", 1).onConnect(ch -> RELEASE.join());
            Channel ch = s.connect("big-target");
            ByteBuffer tooBig = ByteBuffer.allocate((int) Limits.DEFAULT_MESSAGE + 1);
            assertThatThrownBy(() -> ch.send(tooBig)).isInstanceOf(RuntimeException.class);
            assertThat(s.isOpen()).isTrue();
        }
    }

    @Test
    void halfOpenConnectionsAreDroppedAfterTheRegistrationTimeout() throws Exception {
        int n = 200;
        List<RawPeer> peers = new ArrayList<>();
        try {
            int base = server.stats().connections();
            for (int i = 0; i < n; i++) {
                RawPeer p = new RawPeer(address);
                p.raw(ByteBuffer.wrap(new byte[] {'m', 'i', 'n'})); // a partial preamble, then silence
                peers.add(p);
            }
            // No wait for all n to be held at once: under load, opening n connections can take longer
            // than the 1 s registration timeout, so the first ones may already be gone.
            heapBound(n + " half-open connections");
            long t0 = System.nanoTime();
            List<CompletableFuture<Boolean>> closed = new ArrayList<>();
            for (RawPeer p : peers) {
                closed.add(CompletableFuture.supplyAsync(() -> p.awaitEndOfStream(10_000)));
            }
            for (CompletableFuture<Boolean> c : closed) {
                assertThat(c.get(20, TimeUnit.SECONDS)).isTrue();
            }
            System.out.printf("HostilePeersTest half-open: %d connections dropped within %d ms (registration timeout 1 s)%n",
                    n, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().connections() <= base);
        } finally {
            peers.forEach(RawPeer::close);
        }
    }
}
