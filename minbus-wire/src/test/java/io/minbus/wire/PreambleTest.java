package io.minbus.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PreambleTest {

    @Test
    void aPreambleFedByteByByteLeavesTheFollowingChunkUntouched() {
        ByteBuffer ours = Preamble.ours(Limits.defaults().withMaxEntities(7)).encode();
        ByteBuffer wire = ByteBuffer.allocate(ours.remaining() + 2).put(ours).put((byte) 0x84).put((byte) 0).flip();
        PreambleReader reader = new PreambleReader();
        java.util.Optional<Preamble> result = java.util.Optional.empty();
        while (result.isEmpty()) {
            result = reader.feed(wire.slice(wire.position(), 1));
            wire.position(wire.position() + 1);
        }
        assertThat(result.get().limits().maxEntities()).isEqualTo(7);
        assertThat(wire.remaining()).isEqualTo(2);
    }

    @Test
    void aVersionMismatchNamesBothVersions() {
        ByteBuffer theirs = new Preamble(2, 2, Limits.defaults()).encode();
        assertThatThrownBy(() -> new PreambleReader().feed(theirs))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("minbus protocol 1 expected, peer speaks 2");
    }

    @Test
    void aHttpClientIsRecognisedByItsFirstBytes() {
        ByteBuffer http = ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> new PreambleReader().feed(http))
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.violation()).isEqualTo(Violation.PREAMBLE_MAGIC))
                .hasMessageContaining("\"GET / HT\"");
    }

    @Test
    void limitsBelowTheMinimumAreRefusedLocally() {
        assertThatThrownBy(() -> new Limits(100, 100, 0)).hasMessageContaining("below the minimum 1024");
    }
}
