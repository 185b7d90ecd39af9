package io.minbus.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.SpecVectors;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Replays the {@code vectors rpc} blocks of docs/rpc.md §10 against {@link FrameCodec}. */
@Timeout(10)
class FrameVectorTest {

    static Stream<SpecVectors.Line> vectors() {
        return SpecVectors.lines("rpc").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesAndEncodesCanonically(SpecVectors.Line line) {
        String text = " " + line.text();
        int eq = text.indexOf(" = ");
        int bang = text.indexOf(" ! ");
        int cut = eq >= 0 ? eq : bang;
        assertThat(cut).as("line has ' = ' or ' ! '").isGreaterThanOrEqualTo(0);
        byte[] bytes = HexFormat.of().parseHex(text.substring(0, cut).replace(" ", ""));
        String expected = text.substring(cut + 3).strip();
        if (eq >= 0) {
            Frame f = FrameCodec.decode(ByteBuffer.wrap(bytes));
            assertThat(f.log(Integer.MAX_VALUE)).isEqualTo(expected);
            assertThat(hex(FrameCodec.encode(f))).isEqualTo(hex(ByteBuffer.wrap(bytes)));
        } else {
            assertThatThrownBy(() -> FrameCodec.decode(ByteBuffer.wrap(bytes)))
                    .isInstanceOfSatisfying(MalformedMessageException.class,
                            e -> assertThat(e.rule()).isEqualTo(MalformedMessageException.Rule.valueOf(expected)))
                    .hasMessageContaining("docs/rpc.md §");
        }
    }

    @Test
    void everyRuleHasAVector() {
        List<String> text = SpecVectors.lines("rpc").stream().map(SpecVectors.Line::text).toList();
        for (MalformedMessageException.Rule rule : MalformedMessageException.Rule.values()) {
            if (rule != MalformedMessageException.Rule.BODY) {
                assertThat(text).as("a vector for " + rule).anyMatch(l -> l.endsWith("! " + rule));
            }
        }
    }

    @Test
    void aMalformedMessageSaysWhatIsWrongAndWhere() {
        assertThatThrownBy(() -> FrameCodec.decode(ByteBuffer.wrap(new byte[] {'1', 0, '0', 0, '1', 'x', 0, 'y'})))
                .hasMessage("malformed message, rule CMD_LENGTH (docs/rpc.md §2): CMDLEN has byte 0x78 at offset 5; only ASCII digits are allowed");
    }

    @Test
    void requestThreadIsFoundEvenWhenTheRestIsBroken() {
        assertThat(FrameCodec.requestThread(ByteBuffer.wrap(new byte[] {'4', '2', 0, '0', 0, (byte) 0xff}))).hasValue(42);
        assertThat(FrameCodec.requestThread(ByteBuffer.wrap(new byte[] {'4', '2', 0, '2', 0}))).isEmpty();
        assertThat(FrameCodec.requestThread(ByteBuffer.wrap(new byte[] {'0', '2', 0, '0', 0}))).isEmpty();
    }

    @Test
    void theLogLineShortensLongBodies() {
        Frame f = Frame.request(3, "put", new byte[100]);
        assertThat(f.toString()).startsWith("request#3 put \"\\x00").endsWith("\"...+36 bytes");
    }

    private static String hex(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return HexFormat.ofDelimiter(" ").formatHex(a);
    }
}
