package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Typed interfaces: one side serves an implementation, the other calls a dynamic proxy. */
@Timeout(30)
class TypedTest {

    /** A value type travelling through the JSON codec. */
    public record Entry(String key, int version, List<String> tags) {}

    /** The contract. */
    public interface KeyValue {
        void put(String key, String value);

        Optional<String> get(String key);

        Map<String, String> all();

        Entry describe(String key, int version);

        int size();

        byte[] raw(byte[] data);

        @Command("getOrDefault")
        String get(String key, String fallback);

        @OneWay
        void log(String line);

        void failWith(String message) throws IOException;

        default String greet(String name) {
            return "hello " + name + ", " + size() + " entries";
        }
    }

    static final class Store implements KeyValue {
        final Map<String, String> map = new ConcurrentHashMap<>();
        final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public void put(String key, String value) {
            map.put(key, value);
        }

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(map.get(key));
        }

        @Override
        public Map<String, String> all() {
            return Map.copyOf(map);
        }

        @Override
        public Entry describe(String key, int version) {
            return new Entry(key, version, List.of("a", "b"));
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public byte[] raw(byte[] data) {
            byte[] r = data.clone();
            for (int i = 0; i < r.length; i++) {
                r[i] = (byte) ~r[i];
            }
            return r;
        }

        @Override
        public String get(String key, String fallback) {
            return map.getOrDefault(key, fallback);
        }

        @Override
        public void log(String line) {
            log.add(line);
        }

        @Override
        public void failWith(String message) throws IOException {
            throw new IOException(message);
        }
    }

    private final Store store = new Store();
    private final Peers peers = new Peers(RpcNode.builder().instance("kv", KeyValue.class, r -> store).build(), false);

    @AfterEach
    void close() {
        peers.close();
    }

    private KeyValue kv() {
        return peers.connect("kv", new byte[0], RpcConfig.defaults()).proxy(KeyValue.class);
    }

    @Test
    void anInterfaceIsTheWholeContract() {
        KeyValue kv = kv();
        kv.put("a", "1");
        kv.put("b", "2");
        assertThat(kv.get("a")).hasValue("1");
        assertThat(kv.get("zz")).isEmpty();
        assertThat(kv.size()).isEqualTo(2);
        assertThat(kv.all()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
        assertThat(kv.describe("k", 7)).isEqualTo(new Entry("k", 7, List.of("a", "b")));
        assertThat(kv.get("zz", "none")).isEqualTo("none");
        assertThat(kv.greet("bob")).as("default methods run locally").isEqualTo("hello bob, 2 entries");
    }

    @Test
    void commandsAndBodiesAreReadableOnTheWire() {
        RpcEndpoint ep = peers.connect("kv", new byte[0], RpcConfig.defaults());
        ep.call("put", "[\"k\",\"v\"]".getBytes(UTF_8));
        assertThat(ep.call("get", "[\"k\"]".getBytes(UTF_8))).asString(UTF_8).isEqualTo("\"v\"");
        assertThat(ep.call("getOrDefault", "[\"x\",\"d\"]".getBytes(UTF_8))).asString(UTF_8).isEqualTo("\"d\"");
        assertThat(ep.call("size", "[]".getBytes(UTF_8))).asString(UTF_8).isEqualTo("1");
        assertThat(ep.call("put", "[\"k2\",\"v2\"]".getBytes(UTF_8))).as("void result: empty body").isEmpty();
    }

    @Test
    void rawBytesPassThroughUntouched() {
        RpcEndpoint ep = peers.connect("kv", new byte[0], RpcConfig.defaults());
        byte[] data = {0, 1, 2, (byte) 0xff, '[', '"'};
        assertThat(ep.call("raw", data)).containsExactly((byte) 0xff, (byte) 0xfe, (byte) 0xfd, 0, (byte) ~'[', (byte) ~'"');
        assertThat(ep.proxy(KeyValue.class).raw(data)).isEqualTo(store.raw(data));
        assertThat(ep.proxy(KeyValue.class).raw(new byte[0])).isEmpty();
        assertThatThrownBy(() -> ep.proxy(KeyValue.class).raw(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be null");
    }

    @Test
    void exceptionsComeBackAsRemoteExceptions() {
        KeyValue kv = kv();
        assertThatThrownBy(() -> kv.failWith("disk full"))
                .isInstanceOfSatisfying(RemoteException.class, e -> {
                    assertThat(e.remoteType()).hasValue("java.io.IOException");
                    assertThat(e.remoteMessage()).isEqualTo("disk full");
                    assertThat(e.command()).isEqualTo("failWith");
                });
        RpcEndpoint ep = peers.connect("kv", new byte[0], RpcConfig.defaults());
        assertThatThrownBy(() -> ep.call("describe", "[\"k\"]".getBytes(UTF_8)))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.is(CodecException.class)).isTrue())
                .hasMessageContaining("expected 2 arguments, got 1");
        assertThatThrownBy(() -> ep.call("describe", "{}".getBytes(UTF_8))).hasMessageContaining("must be a JSON array");
        assertThatThrownBy(() -> ep.call("describe", "[\"k\",\"x\"]".getBytes(UTF_8))).hasMessageContaining("argument 2 is not a int");
    }

    @Test
    void oneWayMethodsNotifyInOrder() {
        KeyValue kv = kv();
        for (int i = 0; i < 500; i++) {
            kv.log("line " + i);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.log.size() == 500);
        for (int i = 0; i < 500; i++) {
            assertThat(store.log.get(i)).isEqualTo("line " + i);
        }
    }

    @Test
    void objectMethodsAreLocal() {
        KeyValue kv = kv();
        assertThat(kv).isEqualTo(kv).isNotEqualTo(kv());
        assertThat(kv.hashCode()).isEqualTo(System.identityHashCode(kv));
        assertThat(kv.toString()).startsWith("minbus-rpc proxy of " + KeyValue.class.getName());
    }

    /** Two methods, one command. */
    public interface Overloaded {
        void put(String v);

        void put(int v);
    }

    /** One-way with a result. */
    public interface BadOneWay {
        @OneWay
        int count();
    }

    /** A reserved command. */
    public interface Reserved {
        @Command("cmd.ping")
        void ping();
    }

    @Test
    void unmappableInterfacesAreRejectedWithAReason() {
        RpcEndpoint ep = peers.connect("kv", new byte[0], RpcConfig.defaults());
        assertThatThrownBy(() -> ep.proxy(Overloaded.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maps two methods to the command 'put'").hasMessageContaining("@Command");
        assertThatThrownBy(() -> RpcConfig.builder().serve(Overloaded.class, new Overloaded() {
            @Override
            public void put(String v) {}

            @Override
            public void put(int v) {}
        })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ep.proxy(BadOneWay.class)).hasMessageContaining("is @OneWay but returns int");
        assertThatThrownBy(() -> ep.proxy(Reserved.class)).hasMessageContaining("reserved");
        assertThatThrownBy(() -> ep.proxy(String.class)).hasMessageContaining("is not an interface");
    }
}
