package io.minbus.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Replays the codec test vectors of docs/protocol.md §12.1 to §12.3. */
@Timeout(30)
class SpecVectorTest {

    @TestFactory
    Stream<DynamicTest> varu64VectorsDecodeAndEncodeCanonically() {
        return SpecVectors.lines("varu64").stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
            ByteBuffer in = ByteBuffer.wrap(v.bytes());
            if (v.violation()) {
                var e = catchThrowableOfType(ProtocolViolationException.class, () -> VarU64.read(in));
                assertThat(e.violation()).isEqualTo(Violation.valueOf(v.expected()));
                return;
            }
            long value = Long.parseUnsignedLong(v.expected());
            assertThat(VarU64.read(in)).isEqualTo(value);
            assertThat(in.hasRemaining()).isFalse();
            ByteBuffer out = ByteBuffer.allocate(VarU64.size(value));
            VarU64.write(out, value);
            assertThat(out.array()).isEqualTo(v.bytes());
        }));
    }

    @TestFactory
    Stream<DynamicTest> chunkVectorsDecodeToTheirFrameLogAndEncodeBack() {
        return SpecVectors.lines("chunks").stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
            ChunkReader reader = new ChunkReader(1024);
            List<Chunk> chunks = new ArrayList<>();
            List<byte[]> reencoded = new ArrayList<>();
            if (v.violation()) {
                assertThatThrownBy(() -> reader.feed(ByteBuffer.wrap(v.bytes()), chunks::add))
                        .isInstanceOfSatisfying(ProtocolViolationException.class,
                                e -> assertThat(e.violation()).isEqualTo(Violation.valueOf(v.expected())));
                return;
            }
            reader.feed(ByteBuffer.wrap(v.bytes()), c -> {
                chunks.add(c);
                reencoded.add(ChunkWriter.encode(c).array());
            });
            assertThat(reader.hasIncompleteChunk()).isFalse();
            assertThat(chunks).hasSize(1);
            assertThat(chunks.get(0)).hasToString(v.expected());
            assertThat(reencoded.get(0)).isEqualTo(v.bytes());
        }));
    }

    @TestFactory
    Stream<DynamicTest> preambleVectorsNegotiateOrFailWithTheNamedRule() {
        return SpecVectors.lines("preambles").stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
            PreambleReader reader = new PreambleReader();
            if (v.violation()) {
                assertThatThrownBy(() -> {
                    Optional<Preamble> p = reader.feed(ByteBuffer.wrap(v.bytes()));
                    if (p.isEmpty()) {
                        reader.endOfInput();
                    }
                }).isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.violation()).isEqualTo(Violation.valueOf(v.expected())));
                return;
            }
            ByteBuffer in = ByteBuffer.wrap(v.bytes());
            Preamble p = reader.feed(in).orElseThrow();
            assertThat(in.hasRemaining()).isFalse();
            Limits l = p.limits();
            assertThat(reader.version() + " " + l.maxFrame() + " " + l.maxMessage() + " " + l.maxEntities())
                    .isEqualTo(v.expected());
        }));
    }

    @org.junit.jupiter.api.Test
    void ourPreambleIsTheOneTheSpecShows() {
        byte[] expected = java.util.HexFormat.of().parseHex("6d696e627573" + "0101" + "fa040000" + "fb04000000" + "fa010000");
        ByteBuffer ours = Preamble.ours(Limits.defaults()).encode();
        byte[] actual = new byte[ours.remaining()];
        ours.get(actual);
        assertThat(actual).isEqualTo(expected);
    }
}
