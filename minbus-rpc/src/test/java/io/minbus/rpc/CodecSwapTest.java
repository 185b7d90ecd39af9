package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Any codec with a name can replace JSON; both sides name it in cmd.open. */
@Timeout(30)
class CodecSwapTest {

    /** A trivial codec: strings and numbers as text, arguments one per line. */
    static class TextCodec implements Codec {
        @Override
        public String name() {
            return "text";
        }

        @Override
        public byte[] encode(Type type, Object value) {
            if (value == null) {
                throw new CodecException("the text codec has no null");
            }
            return value.toString().getBytes(UTF_8);
        }

        @Override
        public Object decode(Type type, byte[] bytes) {
            String s = new String(bytes, UTF_8);
            try {
                if (type == String.class) {
                    return s;
                }
                if (type == int.class || type == Integer.class) {
                    return Integer.parseInt(s);
                }
                if (type == long.class || type == Long.class) {
                    return Long.parseLong(s);
                }
            } catch (NumberFormatException e) {
                throw new CodecException("'" + s + "' is not a " + type.getTypeName(), e);
            }
            throw new CodecException("the text codec cannot decode a " + type.getTypeName());
        }

        @Override
        public byte[] encodeArguments(Type[] types, Object[] values) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                s.append(i == 0 ? "" : "\n").append(new String(encode(types[i], values[i]), UTF_8));
            }
            return s.toString().getBytes(UTF_8);
        }

        @Override
        public Object[] decodeArguments(Type[] types, byte[] bytes) {
            String[] parts = types.length == 0 ? new String[0] : new String(bytes, UTF_8).split("\n", -1);
            if (parts.length != types.length) {
                throw new CodecException("expected " + types.length + " lines, got " + parts.length);
            }
            Object[] values = new Object[parts.length];
            for (int i = 0; i < parts.length; i++) {
                values[i] = decode(types[i], parts[i].getBytes(UTF_8));
            }
            return values;
        }
    }

    /** The contract. */
    public interface Calculator {
        int add(int a, int b);

        String repeat(String s, int times);

        String name();
    }

    /** The configuration, decoded with the session's codec. */
    private static final Codec TEXT = new TextCodec();

    @Test
    void aCustomCodecCarriesArgumentsResultsAndConfig() {
        RpcNode node = RpcNode.builder()
                .codec(TEXT)
                .instance("calc", Calculator.class, r -> new Calculator() {
                    @Override
                    public int add(int a, int b) {
                        return a + b;
                    }

                    @Override
                    public String repeat(String s, int times) {
                        return s.repeat(times);
                    }

                    @Override
                    public String name() {
                        return r.config(String.class) + " via " + r.codec().name();
                    }
                })
                .build();
        try (Peers peers = new Peers(node, false)) {
            RpcEndpoint ep = peers.connect("calc", "my-calc", RpcConfig.builder().codec(TEXT).build());
            Calculator calc = ep.proxy(Calculator.class);
            assertThat(calc.add(2, 3)).isEqualTo(5);
            assertThat(calc.repeat("ab", 3)).isEqualTo("ababab");
            assertThat(calc.name()).isEqualTo("my-calc via text");
            assertThat(ep.call("add", "40\n2".getBytes(UTF_8))).asString(UTF_8).as("the codec's bytes on the wire").isEqualTo("42");
            assertThat(ep.metadata()).containsEntry("codec", "text");
            assertThatThrownBy(() -> ep.call("add", "x\n2".getBytes(UTF_8))).isInstanceOf(RemoteException.class)
                    .hasMessageContaining("io.minbus.rpc.CodecException: 'x' is not a int");
        }
    }

    @Test
    void aCodecThePeerDoesNotKnowIsRefusedAtOpen() {
        RpcNode node = RpcNode.builder().instance("calc", r -> RpcConfig.defaults()).build();
        try (Peers peers = new Peers(node, false)) {
            assertThatThrownBy(() -> peers.connect("calc", new byte[0], RpcConfig.builder().codec(TEXT).build()))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("codec 'text' is unknown here; this node knows: json (register more with RpcNode.Builder.codec)");
        }
    }

    @Test
    void codecNamesAreChecked() {
        Codec bad = new TextCodec() {
            @Override
            public String name() {
                return "has space";
            }
        };
        assertThatThrownBy(() -> RpcConfig.builder().codec(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has space");
    }
}
