package io.minbus.server;

import io.minbus.mux.SessionConfig;
import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A started server for tests, listening on a Unix socket in a fresh temporary directory and on TCP
 * loopback (port 0), and reachable in process; {@link #plugin(Via)} opens a raw-session plugin on any
 * of the three.
 */
final class TestBus implements AutoCloseable {
    /** How a test plugin reaches the server. */
    enum Via { UNIX, TCP, MEMORY }

    final MinBusServer server;
    private final Path dir;

    private TestBus(MinBusServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    static TestBus start(int loops) {
        return start(loops, b -> b);
    }

    static TestBus start(int loops, ServerLimits limits) {
        return start(loops, b -> b.limits(limits));
    }

    static TestBus start(int loops, UnaryOperator<MinBusServer.Builder> customize) {
        Path dir;
        try {
            dir = Files.createTempDirectory("minbus-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MinBusServer.Builder b = MinBusServer.builder().loops(loops)
                .listen(new BusAddress.Unix(dir.resolve("bus.sock")), new BusAddress.Tcp("127.0.0.1", 0));
        return new TestBus(customize.apply(b).start(), dir);
    }

    BusAddress unix() {
        return server.addresses().get(0);
    }

    BusAddress tcp() {
        return server.addresses().get(1);
    }

    Transport connect(Via via) {
        return switch (via) {
            case UNIX -> Transports.connect(unix());
            case TCP -> Transports.connect(tcp());
            case MEMORY -> server.connectInMemory();
        };
    }

    TestPlugin plugin(Via via) {
        return TestPlugin.over(connect(via));
    }

    TestPlugin plugin(Via via, SessionConfig config) {
        return TestPlugin.over(connect(via), config);
    }

    TestPlugin plugin() {
        return plugin(Via.UNIX);
    }

    ServerStats stats() {
        return server.stats();
    }

    @Override
    public void close() {
        server.close();
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
