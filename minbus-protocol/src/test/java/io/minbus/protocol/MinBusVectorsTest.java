package io.minbus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Replays every {@code vectors minbus} line of docs/minbus.md §15 against the codec. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MinBusVectorsTest {

    @Test
    void theSpecHasVectorsForEveryContextAndOperator() {
        List<MinBusVectors.Vector> vectors = MinBusVectors.load();
        assertThat(vectors).hasSizeGreaterThan(80);
        assertThat(vectors).extracting(MinBusVectors.Vector::op).contains('=', '~', '!');
        assertThat(vectors.stream().filter(v -> v.op() == '!').map(MinBusVectors.Vector::meaning).distinct())
                .containsExactlyInAnyOrder("register", "result", "plugins", "event", "connect", "incoming", "error",
                        "relay-end", "keyed-plugins", "keyed-event", "question", "answer",
                        "direct", "direct-question", "offer", "offer-strict", "ticket-preamble", "ticket-answer");
    }

    @TestFactory
    Stream<DynamicTest> vectors() {
        return MinBusVectors.load().stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> replay(v)));
    }

    private static void replay(MinBusVectors.Vector v) {
        ByteBuffer payload = ByteBuffer.wrap(v.bytes());
        if (v.op() == '!') {
            assertThatThrownBy(() -> Meaning.decoder(v.meaning()).apply(payload))
                    .isInstanceOf(MalformedPayloadException.class)
                    .hasMessageContaining("docs/minbus.md §");
            assertThat(payload.position()).as("decoders never move the caller's position").isZero();
            return;
        }
        Meaning.Parsed expected = Meaning.parse(v.meaning());
        Object decoded = Meaning.decoder(expected.context()).apply(payload);
        assertThat(decoded).isEqualTo(expected.value());
        assertThat(payload.position()).as("decoders never move the caller's position").isZero();
        if (v.op() == '=') {
            assertThat(bytes(Meaning.encode(expected.value()))).isEqualTo(v.bytes());
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
