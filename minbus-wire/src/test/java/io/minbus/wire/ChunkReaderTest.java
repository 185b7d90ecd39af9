package io.minbus.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChunkReaderTest {
    private static final ChunkType[] NON_PARTIAL = {
        ChunkType.OUT_REQUEST, ChunkType.IN_REQUEST, ChunkType.OUT_SINK, ChunkType.IN_SINK,
        ChunkType.OUT_STREAM, ChunkType.IN_STREAM, ChunkType.DUPLEX
    };

    private static long seed() {
        long seed = Long.getLong("minbus.seed", System.nanoTime());
        System.out.println("ChunkReaderTest seed: " + seed + " (rerun with -Dminbus.seed=" + seed + ")");
        return seed;
    }

    private static Chunk randomChunk(Random r) {
        if (r.nextInt(8) == 0) {
            long total = r.nextBoolean() ? 1 + r.nextInt(1000) : (r.nextLong() | 1L);
            return Chunk.partial(total == 0 ? 1 : total);
        }
        ChunkType type = NON_PARTIAL[r.nextInt(NON_PARTIAL.length)];
        int flags = r.nextInt(32);
        long id = switch (r.nextInt(3)) {
            case 0 -> r.nextInt(248);
            case 1 -> r.nextInt(1 << 20);
            default -> r.nextLong();
        };
        ByteBuffer payload = (flags & Flags.PAYLOAD) != 0 ? randomBytes(r, r.nextInt(300)) : Chunk.empty();
        long credit = (flags & Flags.CREDIT) != 0 ? r.nextLong() : 0;
        ByteBuffer end = (flags & Flags.END) != 0 ? randomBytes(r, r.nextInt(50)) : Chunk.empty();
        return new Chunk(type, id, flags, payload, credit, end);
    }

    private static ByteBuffer randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    private static String describe(Chunk c) {
        return c + " " + hex(c.payload()) + " " + Long.toUnsignedString(c.credit()) + " " + hex(c.end());
    }

    private static String hex(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    @Test
    void randomChunksRoundTripWhateverTheFragmentation() {
        Random r = new Random(seed());
        for (int round = 0; round < 200; round++) {
            List<Chunk> sent = new ArrayList<>();
            ByteBuffer wire = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < 1 + r.nextInt(40); i++) {
                Chunk c = randomChunk(r);
                sent.add(c);
                ChunkWriter.write(wire, c);
                assertThat(ChunkWriter.size(c)).isEqualTo(ChunkWriter.encode(c).remaining());
            }
            wire.flip();
            ChunkReader reader = new ChunkReader(1024);
            List<String> received = new ArrayList<>();
            while (wire.hasRemaining()) {
                int n = Math.min(wire.remaining(), r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(64));
                ByteBuffer piece = wire.slice(wire.position(), n);
                wire.position(wire.position() + n);
                reader.feed(piece, c -> received.add(describe(copy(c))));
            }
            reader.endOfInput();
            assertThat(received).containsExactlyElementsOf(sent.stream().map(ChunkReaderTest::describe).toList());
        }
    }

    @Test
    void everySplitPointOfAChunkSequenceDecodesTheSame() {
        Chunk[] chunks = {
            Chunk.payload(ChunkType.OUT_SINK, 300, ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8))),
            Chunk.partial(70000),
            new Chunk(ChunkType.IN_SINK, 1, Flags.PAYLOAD | Flags.CREDIT | Flags.END,
                    ByteBuffer.wrap(new byte[] {1, 2, 3}), 1L << 40, ByteBuffer.wrap(new byte[] {9})),
            Chunk.of(ChunkType.OUT_STREAM, 0, Flags.PING),
        };
        ByteBuffer all = ByteBuffer.allocate(256);
        for (Chunk c : chunks) {
            ChunkWriter.write(all, c);
        }
        all.flip();
        List<String> expected = java.util.Arrays.stream(chunks).map(ChunkReaderTest::describe).toList();
        for (int a = 0; a <= all.limit(); a++) {
            for (int b = a; b <= all.limit(); b++) {
                ChunkReader reader = new ChunkReader(1024);
                List<String> got = new ArrayList<>();
                reader.feed(all.slice(0, a), c -> got.add(describe(copy(c))));
                reader.feed(all.slice(a, b - a), c -> got.add(describe(copy(c))));
                reader.feed(all.slice(b, all.limit() - b), c -> got.add(describe(copy(c))));
                assertThat(got).as("split at %d and %d", a, b).isEqualTo(expected);
            }
        }
    }

    @Test
    void oversizeLengthIsRejectedBeforeThePayloadArrives() {
        ChunkReader reader = new ChunkReader(1024);
        // out-sink#0 announcing a payload of 2^62 bytes: only the header is fed
        ByteBuffer header = ByteBuffer.wrap(new byte[] {0x50, 0x00, (byte) 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> reader.feed(header, c -> {}))
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.violation()).isEqualTo(Violation.FRAME_TOO_LARGE))
                .hasMessageContaining("exceeds max_frame 1024");
    }

    @Test
    void anEndOfInputInsideAChunkIsTruncated() {
        ChunkReader reader = new ChunkReader(1024);
        reader.feed(ByteBuffer.wrap(new byte[] {0x50, 0x00, 0x05, 'a'}), c -> {});
        assertThat(reader.hasIncompleteChunk()).isTrue();
        assertThatThrownBy(reader::endOfInput)
                .isInstanceOfSatisfying(ProtocolViolationException.class,
                        e -> assertThat(e.violation()).isEqualTo(Violation.TRUNCATED));
    }

    @Test
    void aMaximumSizeFrameIsAccepted() {
        int max = 4096;
        ChunkReader reader = new ChunkReader(max);
        ByteBuffer wire = ChunkWriter.encode(new Chunk(ChunkType.OUT_SINK, 1, Flags.PAYLOAD | Flags.END,
                ByteBuffer.allocate(max), 0, ByteBuffer.allocate(max)));
        List<Chunk> got = new ArrayList<>();
        while (wire.hasRemaining()) {
            ByteBuffer piece = wire.slice(wire.position(), Math.min(1000, wire.remaining()));
            wire.position(wire.position() + piece.remaining());
            reader.feed(piece, c -> got.add(copy(c)));
        }
        assertThat(got).singleElement().satisfies(c -> {
            assertThat(c.payload().remaining()).isEqualTo(max);
            assertThat(c.end().remaining()).isEqualTo(max);
        });
    }

    @Test
    void violationMessagesNameTheRuleAndTheSection() {
        ChunkReader reader = new ChunkReader(1024);
        assertThatThrownBy(() -> reader.feed(ByteBuffer.wrap(new byte[] {(byte) 0xe1, 0x00, 0x05}), c -> {}))
                .hasMessage("protocol violation PARTIAL_NON_CANONICAL (docs/protocol.md §9): a Partial total was"
                        + " written in 2 bytes with a leading zero byte; the connection is closed");
    }

    static Chunk copy(Chunk c) {
        return new Chunk(c.type(), c.id(), c.flags(), clone(c.payload()), c.credit(), clone(c.end()));
    }

    private static ByteBuffer clone(ByteBuffer b) {
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b.duplicate()).flip();
        return copy;
    }
}
