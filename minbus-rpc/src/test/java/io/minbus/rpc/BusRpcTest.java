package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.client.MinBus;
import io.minbus.client.NoSuchPluginException;
import io.minbus.client.Plugin;
import io.minbus.server.MinBusServer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BusRpc} over a real embedded bus on a Unix socket: every call is relayed by the bus
 * between two client connections (docs/rpc.md §9).
 */
@Timeout(120)
class BusRpcTest {

    private static final long MIB = 1L << 20;

    /** The typed contract the plugin serves. */
    public interface Store {
        void put(String key, String value);

        Optional<String> get(String key);

        Digest digest(InputStream in) throws IOException;

        InputStream generate(long seed, long length);

        int work(int steps, Progress progress);

        void fail(String message);

        void block();
    }

    /** A callback the caller passes to {@link Store#work}. */
    public interface Progress {
        void step(int i);
    }

    static final class StoreImpl implements Store {
        final Map<String, String> map = new ConcurrentHashMap<>();
        final CountDownLatch blocked = new CountDownLatch(1);

        @Override
        public void put(String key, String value) {
            map.put(key, value);
        }

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(map.get(key));
        }

        @Override
        public Digest digest(InputStream in) throws IOException {
            return Digest.of(in);
        }

        @Override
        public InputStream generate(long seed, long length) {
            return new Generated(seed, length);
        }

        @Override
        public int work(int steps, Progress progress) {
            for (int i = 1; i <= steps; i++) {
                progress.step(i);
            }
            return steps;
        }

        @Override
        public void fail(String message) {
            throw new IllegalStateException(message);
        }

        @Override
        public void block() {
            blocked.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    MinBusServer server;
    MinBus pluginBus;
    Plugin plugin;
    MinBus clientBus;
    final StoreImpl store = new StoreImpl();
    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = MinBusServer.embedded();
        pluginBus = MinBus.connect(server.addresses().get(0));
        plugin = pluginBus.register("store", 1);
        RpcNode node = RpcNode.builder()
                .instance("", Store.class, request -> store)
                .instance("echo", request -> RpcConfig.builder()
                        .command("echo", m -> {
                            atPlugin.countDown(); // each call waits until n are in flight at once
                            assertThat(atPlugin.await(60, TimeUnit.SECONDS)).isTrue();
                            return m.body();
                        })
                        .onRegistered(pluginSide::complete)
                        .build())
                .build();
        BusRpc.serve(plugin, node);
        clientBus = MinBus.connect(server.addresses().get(0));
    }

    final CompletableFuture<RpcEndpoint> pluginSide = new CompletableFuture<>();
    static final int IN_FLIGHT = 1000;
    final CountDownLatch atPlugin = new CountDownLatch(IN_FLIGHT);

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        clientBus.close();
        pluginBus.close();
        server.close();
    }

    /** Another client connection: a connection holds one session per plugin at a time (docs/minbus.md §8.6). */
    MinBus newBus() {
        MinBus bus = MinBus.connect(server.addresses().get(0));
        closeables.add(bus);
        return bus;
    }

    @Test
    void typedCallsThroughTheRelay() {
        Store s = BusRpc.proxy(clientBus, "store", Store.class);
        s.put("k", "v");
        assertThat(s.get("k")).contains("v");
        assertThat(s.get("nope")).isEmpty();
        RpcEndpoint ep = BusRpc.connect(newBus(), "store", "", new byte[0], RpcConfig.defaults());
        closeables.add(ep);
        assertThat(new String(ep.call("get", "[\"k\"]".getBytes(UTF_8)), UTF_8)).isEqualTo("\"v\"");
        assertThat(ep.metadata()).containsEntry("instance", "");
        assertThat(ep.ping()).isPositive();
    }

    @Test
    void thousandCallsInFlightBothWays() throws Exception {
        long seed = Seeds.seed("BusRpcTest.thousandCallsInFlightBothWays");
        int n = IN_FLIGHT;
        CountDownLatch atClient = new CountDownLatch(n);
        RpcEndpoint ep = BusRpc.connect(clientBus, "store", "echo", new byte[0], RpcConfig.builder()
                .command("echo", m -> {
                    atClient.countDown();
                    assertThat(atClient.await(60, TimeUnit.SECONDS)).isTrue();
                    return m.body();
                })
                .build());
        closeables.add(ep);
        RpcEndpoint back = pluginSide.get(30, TimeUnit.SECONDS);
        List<CompletableFuture<byte[]>> fromClient = new ArrayList<>();
        List<CompletableFuture<byte[]>> fromPlugin = new ArrayList<>();
        java.util.Random random = new java.util.Random(seed);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            bodies.add(b);
        }
        // each side's echo holds every call until all n of its calls are in flight at once
        for (int i = 0; i < n; i++) {
            fromClient.add(ep.callAsync("echo", bodies.get(i)));
            fromPlugin.add(back.callAsync("echo", bodies.get(i)));
        }
        for (int i = 0; i < n; i++) {
            assertThat(fromClient.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(bodies.get(i));
            assertThat(fromPlugin.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(bodies.get(i));
        }
        assertThat(atClient.getCount()).isZero();
        assertThat(atPlugin.getCount()).isZero();
    }

    @Test
    void streamArgumentAndResultOf64MiB() throws Exception {
        long seed = Seeds.seed("BusRpcTest.streamArgumentAndResultOf64MiB");
        Store s = BusRpc.proxy(clientBus, "store", Store.class);
        Digest expected = Digest.of(new Generated(seed, 64 * MIB));
        // argument: the plugin has no opener back, so it asks the client to open the channel (cmd.dial)
        assertThat(s.digest(new Generated(seed, 64 * MIB))).isEqualTo(expected);
        // result: the client opens the channel itself
        try (InputStream in = s.generate(seed, 64 * MIB)) {
            assertThat(Digest.of(in)).isEqualTo(expected);
        }
    }

    @Test
    void callbacksComeBackThroughTheBus() {
        Store s = BusRpc.proxy(clientBus, "store", Store.class);
        List<Integer> steps = new CopyOnWriteArrayList<>();
        assertThat(s.work(5, steps::add)).isEqualTo(5);
        assertThat(steps).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void errorsComeBackAsRemoteException() {
        Store s = BusRpc.proxy(clientBus, "store", Store.class);
        assertThatThrownBy(() -> s.fail("boom"))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.is(IllegalStateException.class)).isTrue();
                    assertThat(e.remoteMessage()).isEqualTo("boom");
                });
        assertThatThrownBy(() -> BusRpc.proxy(clientBus, "store", Store.class))
                .isInstanceOf(io.minbus.client.ConnectionRefusedException.class); // one session per connection
        assertThatThrownBy(() -> BusRpc.connect(newBus(), "store", "nope", new byte[0], RpcConfig.defaults()))
                .isInstanceOf(RemoteException.class)
                .hasMessageContaining("no instance named 'nope'");
        assertThatThrownBy(() -> BusRpc.proxy(clientBus, "nobody", Store.class))
                .isInstanceOf(NoSuchPluginException.class);
        // the session survives its errors
        s.put("a", "b");
        assertThat(s.get("a")).contains("b");
    }

    @Test
    void pendingCallsFailPromptlyWhenThePluginGoesAway() throws Exception {
        Store s = BusRpc.proxy(clientBus, "store", Store.class);
        RpcEndpoint ep = BusRpc.connect(newBus(), "store", "", new byte[0], RpcConfig.defaults());
        closeables.add(ep);
        AtomicReference<Throwable> typed = new AtomicReference<>();
        CompletableFuture<Void> typedDone = CompletableFuture.runAsync(() -> {
            try {
                s.block();
            } catch (Throwable t) {
                typed.set(t);
            }
        }, r -> Thread.ofVirtual().start(r));
        CompletableFuture<byte[]> untyped = ep.callAsync("block", "[]".getBytes(UTF_8));
        assertThat(store.blocked.await(30, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        pluginBus.close(); // the plugin goes away: the bus breaks its channels
        assertThatThrownBy(() -> untyped.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ChannelClosedException.class);
        typedDone.get(10, TimeUnit.SECONDS);
        assertThat(typed.get()).isInstanceOf(ChannelClosedException.class);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.println("BusRpcTest: pending calls failed " + millis + " ms after the plugin left");
        assertThat(millis).isLessThan(5000);
        assertThat(ep.closed().toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull();
        assertThatThrownBy(() -> ep.call("get", "[\"k\"]".getBytes(UTF_8))).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> BusRpc.proxy(clientBus, "store", Store.class)).isInstanceOf(NoSuchPluginException.class);
    }
}
