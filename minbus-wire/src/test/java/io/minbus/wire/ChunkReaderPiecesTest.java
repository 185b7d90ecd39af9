package io.minbus.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ChunkReader.PieceHandler}: large plain data chunks arrive in pieces, everything else whole. */
@Timeout(60)
class ChunkReaderPiecesTest {
    private static final int MAX_FRAME = 64 * 1024;

    private static long seed() {
        long seed = Long.getLong("minbus.seed", System.nanoTime());
        System.out.println("ChunkReaderPiecesTest seed: " + seed + " (rerun with -Dminbus.seed=" + seed + ")");
        return seed;
    }

    /** Records whole chunks as they are, and a chunk in pieces as the chunk the pieces add up to. */
    private static final class Recorder implements ChunkReader.PieceHandler {
        final List<String> chunks = new ArrayList<>();
        /** Per chunk: how many calls delivered it (1 = whole). */
        final List<Integer> calls = new ArrayList<>();
        private Chunk header;
        private ByteBuffer assembling;
        private int pieces;

        @Override
        public void onChunk(Chunk chunk) {
            assertThat(header).as("a whole chunk in the middle of one in pieces").isNull();
            chunks.add(describe(chunk));
            calls.add(1);
        }

        @Override
        public void onFirstPiece(Chunk h, int length) {
            assertThat(header).as("a first piece in the middle of a chunk in pieces").isNull();
            assertThat(h.flags()).isEqualTo(Flags.PAYLOAD);
            assertThat(h.payload().remaining()).isLessThan(length);
            header = h;
            assembling = ByteBuffer.allocate(length).put(h.payload());
            pieces = 1;
        }

        @Override
        public void onNextPiece(ByteBuffer piece, boolean last) {
            assertThat(header).as("a piece without a first piece").isNotNull();
            assertThat(piece.hasRemaining()).isTrue();
            assembling.put(piece);
            pieces++;
            assertThat(last).isEqualTo(!assembling.hasRemaining());
            if (last) {
                chunks.add(describe(Chunk.payload(header.type(), header.id(), assembling.flip())));
                calls.add(pieces);
                header = null;
            }
        }
    }

    private static String describe(Chunk c) {
        return c + " " + hex(c.payload()) + " " + Long.toUnsignedString(c.credit()) + " " + hex(c.end());
    }

    private static String hex(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static ByteBuffer bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    @Test
    void largePlainDataChunksArriveInPiecesThatAddUpToTheChunkWhateverTheFragmentation() {
        Random r = new Random(seed());
        int inPieces = 0;
        for (int round = 0; round < 100; round++) {
            List<Chunk> sent = new ArrayList<>();
            List<Boolean> mayBePieces = new ArrayList<>();
            ByteBuffer wire = ByteBuffer.allocate(4 << 20);
            for (int i = 0; i < 1 + r.nextInt(30); i++) {
                Chunk c = switch (r.nextInt(5)) {
                    case 0 -> Chunk.payload(ChunkType.DUPLEX, r.nextInt(1000), bytes(r, r.nextInt(ChunkReader.MIN_PIECES)));
                    case 1 -> new Chunk(ChunkType.IN_SINK, r.nextInt(1000), Flags.PAYLOAD | Flags.CREDIT,
                            bytes(r, ChunkReader.MIN_PIECES + r.nextInt(8000)), 1 + r.nextInt(1000), Chunk.empty());
                    case 2 -> Chunk.partial(1 + r.nextInt(1 << 20));
                    default -> Chunk.payload(ChunkType.OUT_SINK, r.nextInt(1 << 20),
                            bytes(r, ChunkReader.MIN_PIECES + r.nextInt(MAX_FRAME - ChunkReader.MIN_PIECES + 1)));
                };
                sent.add(c);
                mayBePieces.add(c.type() != ChunkType.PARTIAL && c.flags() == Flags.PAYLOAD
                        && c.payload().remaining() >= ChunkReader.MIN_PIECES);
                ChunkWriter.write(wire, c);
            }
            wire.flip();
            ChunkReader reader = new ChunkReader(MAX_FRAME);
            Recorder got = new Recorder();
            while (wire.hasRemaining()) {
                int n = Math.min(wire.remaining(), switch (r.nextInt(4)) {
                    case 0 -> 1;
                    case 1 -> 1 + r.nextInt(16);
                    default -> 1 + r.nextInt(40_000);
                });
                reader.feed(wire.slice(wire.position(), n), got);
                wire.position(wire.position() + n);
            }
            reader.endOfInput();
            assertThat(got.chunks).containsExactlyElementsOf(sent.stream().map(ChunkReaderPiecesTest::describe).toList());
            for (int i = 0; i < sent.size(); i++) {
                if (!mayBePieces.get(i)) {
                    assertThat(got.calls.get(i)).as("chunk %d, %s, is delivered whole", i, sent.get(i)).isEqualTo(1);
                } else if (got.calls.get(i) > 1) {
                    inPieces++;
                }
            }
        }
        assertThat(inPieces).as("chunks that went in pieces").isPositive();
    }

    @Test
    void aChunkWhoseHeaderIsSplitGoesOnInPiecesOnceTheLengthIsKnown() {
        ByteBuffer payload = ByteBuffer.allocate(10_000);
        for (int i = 0; i < payload.limit(); i++) {
            payload.put(i, (byte) i);
        }
        ByteBuffer wire = ChunkWriter.encode(Chunk.payload(ChunkType.DUPLEX, 7, payload));
        ChunkReader reader = new ChunkReader(MAX_FRAME);
        Recorder got = new Recorder();
        reader.feed(wire.slice(0, 2), got); // the tag and the id: the length is still to come
        assertThat(got.calls).isEmpty();
        assertThat(reader.hasIncompleteChunk()).isTrue();
        reader.feed(wire.slice(2, 100), got);
        reader.feed(wire.slice(102, wire.limit() - 102), got);
        assertThat(reader.hasIncompleteChunk()).isFalse();
        assertThat(got.calls).containsExactly(3);
        assertThat(got.chunks).containsExactly(describe(Chunk.payload(ChunkType.DUPLEX, 7, payload)));
    }

    @Test
    void aStreamEndingInsideAChunkInPiecesIsTruncatedAndSaysHowMuchIsMissing() {
        ByteBuffer wire = ChunkWriter.encode(Chunk.payload(ChunkType.OUT_SINK, 1, ByteBuffer.allocate(5000)));
        ChunkReader reader = new ChunkReader(MAX_FRAME);
        reader.feed(wire.slice(0, 1000), new Recorder());
        assertThat(reader.hasIncompleteChunk()).isTrue();
        assertThatThrownBy(reader::endOfInput)
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.violation()).isEqualTo(Violation.TRUNCATED))
                .hasMessageContaining("bytes of its payload missing");
    }

    @Test
    void aPlainHandlerGetsEveryChunkWhole() {
        ByteBuffer wire = ChunkWriter.encode(Chunk.payload(ChunkType.OUT_SINK, 1, ByteBuffer.allocate(5000)));
        ChunkReader reader = new ChunkReader(MAX_FRAME);
        List<Integer> sizes = new ArrayList<>();
        for (int at = 0; at < wire.limit(); at += 1000) {
            reader.feed(wire.slice(at, Math.min(1000, wire.limit() - at)), c -> sizes.add(c.payload().remaining()));
        }
        assertThat(sizes).containsExactly(5000);
    }
}
