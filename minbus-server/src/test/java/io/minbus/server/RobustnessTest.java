package io.minbus.server;

import static io.minbus.server.TestPlugin.bytes;
import static io.minbus.server.TestPlugin.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.mux.Duplex;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.server.TestBus.Via;
import io.minbus.transport.BusAddress;
import io.minbus.wire.Limits;
import io.minbus.wire.Preamble;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A misbehaving connection costs only itself; the server stays small and full connections are refused. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RobustnessTest {

    private static SocketChannel raw(TestBus bus, Via via) throws IOException {
        if (via == Via.TCP) {
            BusAddress.Tcp tcp = (BusAddress.Tcp) bus.tcp();
            return SocketChannel.open(new InetSocketAddress(tcp.host(), tcp.port()));
        }
        return SocketChannel.open(UnixDomainSocketAddress.of(((BusAddress.Unix) bus.unix()).path()));
    }

    /** Reads until the end of the stream; returns how many bytes came. */
    private static long drain(SocketChannel ch) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        long total = 0;
        int n;
        while ((n = ch.read(sink.clear())) >= 0) {
            total += n;
        }
        return total;
    }

    /** Whether the bytes so far end with the registration result {@code 50 00 01 00}. */
    private static boolean containsRegisteredResult(ByteBuffer head) {
        byte[] result = {0x50, 0x00, 0x01, 0x00};
        int end = head.position();
        if (end < result.length) {
            return false;
        }
        for (int i = 0; i < result.length; i++) {
            if (head.get(end - result.length + i) != result[i]) {
                return false;
            }
        }
        return true;
    }

    private static Duplex relay(TestPlugin a, TestPlugin b, String bName) {
        Duplex d = a.connect(ConnectRequest.to(bName));
        Duplex atB = b.accept();
        assertThat(next(d).remaining()).isZero();
        d.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
        assertThat(next(atB)).isEqualTo(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
        return d;
    }

    @Test
    void aMalformedFrameAbortsOnlyItsConnection() throws IOException {
        try (TestBus bus = TestBus.start(2);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                TestPlugin b = bus.plugin(Via.TCP).registered("b", 1);
                SocketChannel bad = raw(bus, Via.TCP)) {
            relay(a, b, "b");
            bad.write(Preamble.ours(Limits.defaults()).encode());
            bad.write(bytes(0x88, 0x00, 0x10, 0x50, 0x00, 0x06, 0x03, 'b', 'a', 'd', 0x00, 0x01)); // credit(16), register "bad" 1
            ByteBuffer head = ByteBuffer.allocate(64);
            while (!containsRegisteredResult(head)) {
                bad.read(head);
            }
            bad.write(bytes(0xe8, 0x05)); // a Partial chunk with reserved bits set: RESERVED_BITS
            drain(bad);
            assertThat(bus.stats().violations()).isEqualTo(1);
            relay(b, a, "a");
            assertThat(a.query()).isEqualTo(PluginList.of(PluginInfo.of("b", 1)));
        }
    }

    @Test
    void aPeerThatIsNotMinbusIsClosedWithoutHarm() throws IOException {
        try (TestBus bus = TestBus.start(1);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                SocketChannel http = raw(bus, Via.TCP);
                SocketChannel tooNew = raw(bus, Via.UNIX)) {
            http.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            drain(http);
            tooNew.write(bytes('m', 'i', 'n', 'b', 'u', 's', 0x02, 0x03, 0xf9, 0x04, 0x00, 0xf9, 0x04, 0x00, 0x00));
            drain(tooNew);
            assertThat(bus.stats().violations()).isEqualTo(2);
            assertThat(a.query()).isEqualTo(PluginList.of());
        }
    }

    @Test
    void beyondMaxConnectionsTheStreamIsClosedBeforeThePreamble() throws IOException {
        ServerLimits limits = ServerLimits.builder().maxConnections(2).build();
        try (TestBus bus = TestBus.start(2, limits);
                TestPlugin a = bus.plugin(Via.UNIX).registered("a", 1);
                TestPlugin b = bus.plugin(Via.MEMORY).registered("b", 1);
                SocketChannel third = raw(bus, Via.TCP)) {
            assertThat(drain(third)).as("not even a preamble").isZero();
            try (TestPlugin memory = TestPlugin.over(bus.server.connectInMemory())) {
                throw new AssertionError("a session over a refused in-process connection started: " + memory);
            } catch (RuntimeException expected) {
                assertThat(expected).hasMessageContaining("preamble");
            }
            assertThat(bus.stats().connectionsRefused()).isEqualTo(2);
            b.close();
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().connections() == 1);
            try (TestPlugin c = bus.plugin(Via.TCP).registered("c", 1)) {
                assertThat(c.query()).isEqualTo(PluginList.of(PluginInfo.of("a", 1)));
            }
        }
    }

    @Test
    void thousandsOfConnectionsNeedNoMoreThreads() throws IOException {
        int n = 2000;
        try (TestBus bus = TestBus.start(2)) {
            int threadsBefore = Thread.getAllStackTraces().size();
            List<SocketChannel> channels = new ArrayList<>();
            try {
                ByteBuffer preamble = Preamble.ours(Limits.defaults()).encode();
                for (int i = 0; i < n; i++) {
                    SocketChannel ch = raw(bus, i % 2 == 0 ? Via.UNIX : Via.TCP);
                    ch.write(preamble.duplicate());
                    ch.write(bytes(0x50, 0x00, 0x03, 0x00, 0x00, 0x00)); // register nameless 0
                    channels.add(ch);
                }
                await().atMost(TestPlugin.WAIT).until(() -> bus.stats().namelessClients() == n);
                assertThat(Thread.getAllStackTraces().size() - threadsBefore).isLessThan(5);
            } finally {
                for (SocketChannel ch : channels) {
                    ch.close();
                }
            }
            await().atMost(TestPlugin.WAIT).until(() -> bus.stats().connections() == 0);
        }
    }
}
