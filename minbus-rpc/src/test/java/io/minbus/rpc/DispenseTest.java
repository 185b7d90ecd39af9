package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One plugin process serves several independent instances, each with its own configuration. */
@Timeout(30)
class DispenseTest {

    /** An instance's configuration. */
    public record StoreConfig(String region, int limit) {}

    /** The contract. */
    public interface Store {
        String region();

        void put(String key, String value);

        int size();
    }

    static final class Impl implements Store {
        private final StoreConfig config;
        private final Map<String, String> data = new ConcurrentHashMap<>();

        Impl(StoreConfig config) {
            if (config.limit() < 0) {
                throw new IllegalArgumentException("limit must be 0 or more, got " + config.limit());
            }
            this.config = config;
        }

        @Override
        public String region() {
            return config.region();
        }

        @Override
        public void put(String key, String value) {
            if (data.size() >= config.limit()) {
                throw new IllegalStateException("store " + config.region() + " is full (limit " + config.limit() + ")");
            }
            data.put(key, value);
        }

        @Override
        public int size() {
            return data.size();
        }
    }

    private final RpcNode node = RpcNode.builder()
            .instance("store", Store.class, r -> new Impl(r.config(StoreConfig.class)))
            .instance("raw", r -> RpcConfig.builder().command("config", m -> r.config(byte[].class)).metadata("kind", "raw").build())
            .build();
    private final Peers peers = new Peers(node, false);

    @AfterEach
    void close() {
        peers.close();
    }

    @Test
    void twoInstancesWithDifferentConfigsAreIndependent() {
        Store eu = peers.connect("store", new StoreConfig("eu", 2), RpcConfig.defaults()).proxy(Store.class);
        Store us = peers.connect("store", new StoreConfig("us", 10), RpcConfig.defaults()).proxy(Store.class);
        assertThat(eu.region()).isEqualTo("eu");
        assertThat(us.region()).isEqualTo("us");
        eu.put("a", "1");
        eu.put("b", "2");
        assertThatThrownBy(() -> eu.put("c", "3")).isInstanceOf(RemoteException.class).hasMessageContaining("store eu is full (limit 2)");
        us.put("c", "3");
        assertThat(eu.size()).isEqualTo(2);
        assertThat(us.size()).isEqualTo(1);
    }

    @Test
    void differentInstancesOfOneProcess() {
        RpcEndpoint raw = peers.connect("raw", new byte[] {1, 2, 0, 3}, RpcConfig.defaults());
        assertThat(raw.call("config", new byte[0])).as("a byte[] config travels raw").containsExactly(1, 2, 0, 3);
        assertThat(raw.metadata()).containsEntry("instance", "raw").containsEntry("kind", "raw");
        RpcEndpoint store = peers.connect("store", new StoreConfig("ap", 1), RpcConfig.defaults());
        assertThat(store.metadata()).containsEntry("instance", "store");
        assertThat(node.instances()).containsExactly("store", "raw");
    }

    @Test
    void theConfigIsJsonOnTheWire() {
        RpcEndpoint raw = peers.connect("store", "{\"region\":\"sa\",\"limit\":1}".getBytes(UTF_8), RpcConfig.defaults());
        assertThat(raw.proxy(Store.class).region()).isEqualTo("sa");
    }

    @Test
    void refusalsSayWhy() {
        assertThatThrownBy(() -> peers.connect("nope", new byte[0], RpcConfig.defaults()))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.command()).isEqualTo("cmd.open"))
                .hasMessageContaining("no instance named 'nope' here; this node serves: store, raw");
        assertThatThrownBy(() -> peers.connect("store", new StoreConfig("eu", -1), RpcConfig.defaults()))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.remoteType()).hasValue("java.lang.IllegalArgumentException"))
                .hasMessageContaining("limit must be 0 or more, got -1");
        assertThatThrownBy(() -> peers.connect("store", "not json".getBytes(UTF_8), RpcConfig.defaults()))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.is(CodecException.class)).isTrue())
                .hasMessageContaining("cannot decode a " + StoreConfig.class.getName());
        assertThatThrownBy(() -> RpcNode.builder().instance("a", r -> RpcConfig.defaults()).instance("a", r -> RpcConfig.defaults()))
                .hasMessageContaining("already served");
    }

    @Test
    void closingTheNodeClosesItsSessions() throws Exception {
        RpcEndpoint a = peers.connect("store", new StoreConfig("eu", 1), RpcConfig.defaults());
        RpcEndpoint b = peers.connect("raw", new byte[0], RpcConfig.defaults());
        node.close();
        a.closed().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        b.closed().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThatThrownBy(() -> peers.connect("raw", new byte[0], RpcConfig.defaults())).isInstanceOf(RemoteException.class)
                .hasMessageContaining("shutting down");
    }
}
