package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.rpc.internal.Direction;
import io.minbus.rpc.internal.Frame;
import io.minbus.rpc.internal.FrameCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Malformed messages from the peer give a clear error and never crash the endpoint. */
@Timeout(30)
class MalformedTest {

    private final List<MalformedMessageException> reported = new CopyOnWriteArrayList<>();
    private final CompletableFuture<RpcEndpoint> serverSide = new CompletableFuture<>();
    private final RpcNode node = RpcNode.builder().instance("kv", r -> RpcConfig.builder()
            .command("echo", m -> m.body())
            .onMalformed(reported::add)
            .onRegistered(serverSide::complete)
            .build()).build();

    private RawPeer rawPeerOfNode() {
        MemoryChannel[] pair = MemoryChannel.pair(16);
        node.accept(pair[1]);
        return new RawPeer(pair[0]);
    }

    @Test
    void aMalformedRequestIsAnsweredWithTheRuleAndTheEndpointGoesOn() throws Exception {
        try (RawPeer peer = rawPeerOfNode()) {
            assertThat(peer.open("kv")).hasSize(32);
            peer.sendRaw(new byte[] {'9', 0, '0', 0, '2', 0, (byte) 0xc3, 0x28});
            Frame error = peer.next(f -> f.thread() == 9);
            assertThat(error.cmd()).isEqualTo("cmd.error");
            assertThat(error.bodyText()).isEqualTo("io.minbus.rpc.MalformedMessageException\0malformed message, rule CMD_TEXT (docs/rpc.md §2): CMD is not valid UTF-8");

            peer.sendRaw("garbage".getBytes(UTF_8));
            Frame report = peer.next(f -> f.direction() == Direction.ONEWAY);
            assertThat(report.bodyText()).contains("rule THREAD_ID").contains("byte 0x67 at offset 0");

            peer.send(Frame.request(10, "echo", "alive".getBytes(UTF_8)));
            assertThat(peer.next(f -> f.thread() == 10).bodyText()).isEqualTo("alive");
            RpcEndpoint server = serverSide.get(5, TimeUnit.SECONDS);
            assertThat(server.isOpen()).isTrue();
            assertThat(server.malformedCount()).isEqualTo(2);
            assertThat(reported).extracting(MalformedMessageException::rule)
                    .containsExactly(MalformedMessageException.Rule.CMD_TEXT, MalformedMessageException.Rule.THREAD_ID);
        }
    }

    @Test
    void aDuplicateThreadIsRejected() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        RpcNode slow = RpcNode.builder().instance("s", r -> RpcConfig.builder().command("wait", m -> {
            release.get(10, TimeUnit.SECONDS);
            return m.body();
        }).build()).build();
        MemoryChannel[] pair = MemoryChannel.pair(16);
        slow.accept(pair[1]);
        try (RawPeer peer = new RawPeer(pair[0])) {
            peer.open("s");
            peer.send(Frame.request(5, "wait", "first".getBytes(UTF_8)));
            peer.send(Frame.request(5, "wait", "second".getBytes(UTF_8)));
            assertThat(peer.next(f -> f.thread() == 5).bodyText()).contains("thread 5 is already used by a request in progress");
            release.complete(null);
            assertThat(peer.next(f -> f.thread() == 5).bodyText()).isEqualTo("first");
        } finally {
            slow.close();
        }
    }

    @Test
    void randomGarbageNeverCrashesTheEndpoint() throws Exception {
        SplittableRandom random = new SplittableRandom(Seeds.seed("randomGarbageNeverCrashesTheEndpoint"));
        String[] commands = {"echo", "cmd.ping", "nope", "cmd.cancel", "cmd.release", "x@3", "GetMetadata"};
        try (RawPeer peer = rawPeerOfNode()) {
            peer.open("kv");
            for (int i = 0; i < 2_000; i++) {
                byte[] m;
                if (random.nextBoolean()) {
                    m = new byte[random.nextInt(30)];
                    random.nextBytes(m);
                } else {
                    Direction d = Direction.values()[random.nextInt(3)];
                    byte[] body = new byte[random.nextInt(10)];
                    random.nextBytes(body);
                    ByteBuffer b = FrameCodec.encode(new Frame(d == Direction.ONEWAY ? 0 : 1 + random.nextInt(1000), d,
                            commands[random.nextInt(commands.length)], ByteBuffer.wrap(body)));
                    m = new byte[b.remaining()];
                    b.get(m);
                    for (int k = random.nextInt(3); k > 0; k--) {
                        m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                    }
                }
                peer.sendRaw(m);
            }
            peer.send(Frame.request(1_000_000, "echo", "still here".getBytes(UTF_8)));
            assertThat(peer.next(f -> f.thread() == 1_000_000 && f.direction() == Direction.RESPONSE).bodyText()).isEqualTo("still here");
            RpcEndpoint server = serverSide.get(5, TimeUnit.SECONDS);
            assertThat(server.isOpen()).isTrue();
            assertThat(server.malformedCount()).isPositive().isEqualTo(reported.size());
        }
    }

    @Test
    void theCallerSideSurvivesAMalformedPeerToo() throws Exception {
        List<MalformedMessageException> seen = new CopyOnWriteArrayList<>();
        MemoryChannel[] pair = MemoryChannel.pair(16);
        try (RawPeer fakeServer = new RawPeer(pair[1])) {
            CompletableFuture<RpcEndpoint> connecting = CompletableFuture.supplyAsync(() -> RpcNode.client()
                    .connect(pair[0], "kv", new byte[0], RpcConfig.builder().onMalformed(seen::add).build()));
            assertThat(fakeServer.next(f -> f.cmd().equals("cmd.open")).thread()).isEqualTo(1);
            fakeServer.send(Frame.response(1, "cmd.open", "0123456789abcdef0123456789abcdef".getBytes(UTF_8)));
            RpcEndpoint client = connecting.get(5, TimeUnit.SECONDS);
            fakeServer.sendRaw(new byte[] {'1', 0, '1'});
            fakeServer.sendRaw(new byte[] {'7', 0, '7', 0, '1', 0, 'x'});
            CompletableFuture<byte[]> call = client.callAsync("echo", "x".getBytes(UTF_8));
            Frame request = fakeServer.next(f -> f.cmd().equals("echo"));
            assertThat(request.thread()).as("the opener's first call after cmd.open").isEqualTo(2);
            fakeServer.send(Frame.response(request.thread(), "echo", "y".getBytes(UTF_8)));
            assertThat(call.get(5, TimeUnit.SECONDS)).asString(UTF_8).isEqualTo("y");
            assertThat(client.malformedCount()).isEqualTo(2);
            assertThat(seen).extracting(MalformedMessageException::rule)
                    .containsExactly(MalformedMessageException.Rule.TRUNCATED, MalformedMessageException.Rule.DIRECTION);
            assertThat(fakeServer.next(f -> f.cmd().equals("cmd.error")).bodyText()).contains("rule TRUNCATED");
        }
    }

    @Test
    void aBadAnswerToOpenFailsConnectClearly() throws Exception {
        MemoryChannel[] pair = MemoryChannel.pair(16);
        try (RawPeer fakeServer = new RawPeer(pair[1])) {
            CompletableFuture<RpcEndpoint> connecting = CompletableFuture.supplyAsync(() -> RpcNode.client()
                    .connect(pair[0], "kv", new byte[0], RpcConfig.defaults()));
            fakeServer.next(f -> f.cmd().equals("cmd.open"));
            fakeServer.sendRaw("HTTP/1.1 200 OK\r\n".getBytes(UTF_8));
            assertThatThrownBy(() -> connecting.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(RpcException.class)
                    .hasMessageStartingWith("the answer to cmd.open is not a minbus-rpc message: malformed message, rule THREAD_ID");
        }
        MemoryChannel[] pair2 = MemoryChannel.pair(16);
        try (RawPeer fakeServer = new RawPeer(pair2[1])) {
            CompletableFuture<RpcEndpoint> connecting = CompletableFuture.supplyAsync(() -> RpcNode.client()
                    .connect(pair2[0], "kv", new byte[0], RpcConfig.defaults()));
            fakeServer.next(f -> f.cmd().equals("cmd.open"));
            fakeServer.send(Frame.response(1, "cmd.open", "not a token".getBytes(UTF_8)));
            assertThatThrownBy(() -> connecting.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(RpcException.class)
                    .hasMessageContaining("carries no session token");
        }
    }

    @Test
    void handshakesTimeOut() throws Exception {
        RpcNode impatient = RpcNode.builder().handshakeTimeout(Duration.ofMillis(200)).build();
        MemoryChannel[] pair = MemoryChannel.pair(16);
        try (RawPeer silent = new RawPeer(pair[1])) {
            assertThatThrownBy(() -> impatient.connect(pair[0], "kv", new byte[0], RpcConfig.defaults()))
                    .isInstanceOf(ChannelClosedException.class)
                    .hasMessage("no answer to cmd.open within PT0.2S; is a minbus-rpc node at the other end of the channel?");
        }
        RpcNode server = RpcNode.builder().handshakeTimeout(Duration.ofMillis(200)).instance("kv", r -> RpcConfig.defaults()).build();
        MemoryChannel[] pair2 = MemoryChannel.pair(16);
        server.accept(pair2[1]);
        try (RawPeer silent = new RawPeer(pair2[0])) {
            assertThatThrownBy(() -> silent.next(f -> true)).hasMessageContaining("the channel closed");
        }
    }
}
