package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.rpc.Codec;
import io.minbus.rpc.Dispenser;
import io.minbus.rpc.MemoryChannel;
import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.SpecVectors;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the {@code vectors rpc-session} scripts of docs/rpc.md §10: a scripted peer sends
 * messages to a real node over an in-memory channel and checks every message the node sends.
 */
@Timeout(20)
class SessionVectorTest {

    static final String TOKEN = "00112233445566778899aabbccddeeff";

    /** The typed service of the scripts. */
    public interface Adder {
        int add(int a, int b);
    }

    static Stream<Arguments> scripts() {
        return SpecVectors.named("rpc-session").entrySet().stream().map(e -> Arguments.of(Named.of(e.getKey(), e.getValue())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void replays(List<SpecVectors.Line> script) throws Exception {
        Dispenser kv = request -> RpcConfig.builder()
                .command("echo", m -> m.body())
                .serve(Adder.class, (a, b) -> a + b)
                .build();
        NodeCore node = new NodeCore(Map.of("kv", kv), Map.of("json", Codec.json()), Duration.ofSeconds(5), () -> TOKEN);
        MemoryChannel[] pair = MemoryChannel.pair(64);
        node.accept(pair[1], Optional.empty());
        MemoryChannel peer = pair[0];
        try {
            for (SpecVectors.Line line : script) {
                String t = line.text();
                if (t.startsWith("<<hex ")) {
                    peer.send(ByteBuffer.wrap(HexFormat.of().parseHex(t.substring(6).replace(" ", ""))));
                } else if (t.startsWith("<< ")) {
                    peer.send(FrameCodec.encode(parse(t.substring(3))));
                } else if (t.startsWith(">> ")) {
                    Optional<ByteBuffer> m = receive(peer);
                    assertThat(m).as(line + ": the node sent nothing, it closed the channel").isPresent();
                    String got = FrameCodec.decode(m.get()).log(Integer.MAX_VALUE);
                    String want = t.substring(3);
                    if (want.endsWith("*")) {
                        assertThat(got).as(line.toString()).startsWith(want.substring(0, want.length() - 1));
                    } else {
                        assertThat(got).as(line.toString()).isEqualTo(want);
                    }
                } else if (t.equals("== closed")) {
                    assertThat(receive(peer)).as(line + ": the node should close the channel").isEmpty();
                } else {
                    throw new IllegalStateException(line + ": unknown script line");
                }
            }
        } finally {
            node.close();
            peer.close();
        }
    }

    @Test
    void theFrameLogParsesBack() {
        Frame f = parse("request#7 put \"[\\\"k\\\",42]\\x00\"");
        assertThat(f.log(100)).isEqualTo("request#7 put \"[\\\"k\\\",42]\\x00\"");
    }

    private static Optional<ByteBuffer> receive(MemoryChannel peer) throws Exception {
        return CompletableFuture.supplyAsync(peer::receive).get(5, TimeUnit.SECONDS);
    }

    /** Parses the frame-log form {@code DIRECTION#THREAD CMD "BODY"}. */
    static Frame parse(String s) {
        int hash = s.indexOf('#');
        int sp1 = s.indexOf(' ', hash);
        int sp2 = s.indexOf(' ', sp1 + 1);
        Direction d = Stream.of(Direction.values()).filter(x -> x.logName().equals(s.substring(0, hash))).findFirst().orElseThrow();
        long thread = Long.parseLong(s.substring(hash + 1, sp1));
        String quoted = s.substring(sp2 + 1);
        if (!quoted.startsWith("\"") || !quoted.endsWith("\"")) {
            throw new IllegalArgumentException("body must be quoted: " + s);
        }
        return new Frame(thread, d, s.substring(sp1 + 1, sp2), ByteBuffer.wrap(unescape(quoted.substring(1, quoted.length() - 1))));
    }

    private static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(UTF_8));
            } else if (s.charAt(i + 1) == 'x') {
                out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.write(s.charAt(++i));
            }
        }
        return out.toByteArray();
    }
}
