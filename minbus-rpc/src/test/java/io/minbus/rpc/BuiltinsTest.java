package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** cmd.ping, cmd.stop and GetMetadata. */
@Timeout(30)
class BuiltinsTest {

    /** A small typed service, for the command list. */
    public interface Clock {
        long now();

        @OneWay
        void tick(int n);
    }

    @Test
    void pingEchoesAndMeasures() {
        RpcNode node = RpcNode.builder().instance("p", r -> RpcConfig.defaults()).build();
        try (Peers peers = new Peers(node, false)) {
            RpcEndpoint client = peers.connect("p", new byte[0], RpcConfig.defaults());
            assertThat(client.ping()).isPositive().isLessThan(Duration.ofSeconds(5));
            assertThat(client.call("cmd.ping", "echo me".getBytes(UTF_8))).asString(UTF_8).isEqualTo("echo me");
        }
    }

    @Test
    void metadataListsInstanceCodecCommandsAndThePluginsEntries() {
        RpcNode node = RpcNode.builder().instance("clock", r -> RpcConfig.builder()
                .serve(Clock.class, new Clock() {
                    @Override
                    public long now() {
                        return 42;
                    }

                    @Override
                    public void tick(int n) {}
                })
                .command("raw", m -> m.body())
                .metadata("name", "clock-plugin")
                .metadata("version", 3)
                .metadata("tags", List.of("time", "demo"))
                .build()).build();
        try (Peers peers = new Peers(node, false)) {
            RpcEndpoint client = peers.connect("clock", new byte[0], RpcConfig.defaults());
            Map<String, Object> m = client.metadata();
            assertThat(m).containsEntry("instance", "clock").containsEntry("codec", "json")
                    .containsEntry("name", "clock-plugin").containsEntry("version", 3).containsEntry("tags", List.of("time", "demo"));
            assertThat(m.get("commands")).isEqualTo(List.of("GetMetadata", "cmd.ping", "cmd.stop", "now", "raw", "tick"));
            assertThat(new String(client.call("GetMetadata", new byte[0]), UTF_8)).startsWith("{\"instance\":\"clock\",\"codec\":\"json\",\"commands\":[");
        }
        assertThatThrownBy(() -> RpcConfig.builder().metadata("commands", 1)).hasMessageContaining("filled in by minbus-rpc");
    }

    @Test
    void stopAnswersThenRunsTheStopAction() throws Exception {
        CompletableFuture<RpcEndpoint> stopped = new CompletableFuture<>();
        RpcNode node = RpcNode.builder()
                .instance("default", r -> RpcConfig.defaults())
                .instance("custom", r -> RpcConfig.builder().onStop(stopped::complete).build())
                .build();
        try (Peers peers = new Peers(node, false)) {
            RpcEndpoint a = peers.connect("default", new byte[0], RpcConfig.defaults());
            a.stopPeer();
            a.closed().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(a.isOpen()).as("the peer closed on cmd.stop, so this side closed too").isFalse();

            RpcEndpoint b = peers.connect("custom", new byte[0], RpcConfig.defaults());
            b.stopPeer();
            assertThat(stopped.get(5, TimeUnit.SECONDS).instance()).isEqualTo("custom");
            assertThat(b.isOpen()).isTrue();
            b.notify("cmd.stop", new byte[0]);
            b.ping();
        }
    }

    @Test
    void sessionCommandsAreRefusedInsideASession() {
        RpcNode node = RpcNode.builder().instance("p", r -> RpcConfig.defaults()).build();
        try (Peers peers = new Peers(node, false)) {
            RpcEndpoint client = peers.connect("p", new byte[0], RpcConfig.defaults());
            assertThatThrownBy(() -> client.call("cmd.open", new byte[0])).isInstanceOf(RemoteException.class)
                    .hasMessageContaining("only valid as the first message of a channel");
            assertThatThrownBy(() -> client.call("cmd.frob", new byte[0])).isInstanceOf(RemoteException.class)
                    .hasMessageContaining("unknown command 'cmd.frob'");
            assertThatThrownBy(() -> client.call("cmd.dial", "17".getBytes(UTF_8))).isInstanceOf(RemoteException.class)
                    .hasMessageContaining("ref 17");
        }
    }
}
