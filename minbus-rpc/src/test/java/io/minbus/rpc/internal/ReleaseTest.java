package io.minbus.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.rpc.Peers;
import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.RpcEndpoint;
import io.minbus.rpc.RpcNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A callback lives until the holder's proxy is garbage-collected; then cmd.release frees it. */
@Timeout(30)
class ReleaseTest {

    /** A callback. */
    public interface Listener {
        void event(String e);
    }

    /** The service. */
    public interface Hub {
        void once(Listener l);

        void keep(Listener l);

        void dropAll();
    }

    static final class Server implements Hub {
        final List<Listener> kept = new CopyOnWriteArrayList<>();

        @Override
        public void once(Listener l) {
            l.event("once");
        }

        @Override
        public void keep(Listener l) {
            kept.add(l);
        }

        @Override
        public void dropAll() {
            kept.clear();
        }
    }

    @Test
    void callbacksAreReleasedWhenTheHoldersProxyIsCollected() {
        Server server = new Server();
        try (Peers peers = new Peers(RpcNode.builder().instance("hub", Hub.class, r -> server).build(), false)) {
            RpcEndpoint ep = peers.connect("hub", new byte[0], RpcConfig.defaults());
            Refs refs = ((Endpoint) ep).refs();
            Hub hub = ep.proxy(Hub.class);
            hub.keep(e -> {});
            for (int i = 0; i < 50; i++) {
                hub.once(e -> {});
            }
            assertThat(refs.exportCount()).isGreaterThanOrEqualTo(1);
            awaitExports(refs, 1);
            hub.dropAll();
            awaitExports(refs, 0);
        }
    }

    private static void awaitExports(Refs refs, int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return refs.exportCount() == count;
        });
    }
}
