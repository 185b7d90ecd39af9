package io.minbus.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkType;
import io.minbus.wire.Flags;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pins the one-line frame log format (docs/protocol.md §5). */
@Timeout(10)
class FrameLogTest {

    @Test
    void linesNameTheDirectionAndTheChunk() {
        assertThat(FrameLog.line("", true, Chunk.payload(ChunkType.OUT_SINK, 0, ByteBuffer.wrap(new byte[2]))))
                .isEqualTo(">> out-sink#0 payload(2)");
        assertThat(FrameLog.line("bus ", false, new Chunk(ChunkType.OUT_REQUEST, 7, Flags.PAYLOAD | Flags.CREDIT,
                ByteBuffer.allocate(1), 100, Chunk.empty())))
                .isEqualTo("bus << out-request#7 payload(1) credit(100)");
        assertThat(FrameLog.line("", false, Chunk.of(ChunkType.IN_STREAM, 1, Flags.ACK))).isEqualTo("<< in-stream#1 ack");
        assertThat(FrameLog.line("", true, Chunk.partial(300))).isEqualTo(">> partial(300)");
        assertThat(FrameLog.line("", true, Chunk.of(ChunkType.OUT_SINK, 0, 0))).isEqualTo(">> out-sink#0");
    }

    @Test
    void theLoggerHasAStableName() {
        assertThat(FrameLog.LOGGER_NAME).isEqualTo("minbus.mux.frames");
    }
}
