package io.minbus.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Fuzzes the chunk decoder and the preamble reader with arbitrary bytes in arbitrary fragments. The
 * only exception allowed out is {@link ProtocolViolationException}; memory is bounded by max_frame
 * (a larger allocation would fail the 1024-byte frame limit first). In a normal build this replays
 * the corpus under {@code src/test/resources/io/minbus/wire/ChunkReaderFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} (see scripts/fuzz.sh) it fuzzes for real.
 */
class ChunkReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decoderOnlyFailsWithProtocolViolations(FuzzedDataProvider data) {
        ChunkReader reader = new ChunkReader(1024);
        try {
            while (data.remainingBytes() > 0) {
                byte[] piece = data.consumeBytes(1 + data.consumeInt(0, 64));
                reader.feed(ByteBuffer.wrap(piece), chunk -> {
                    if (chunk.payload().remaining() > 1024 || chunk.end().remaining() > 1024) {
                        throw new AssertionError("a payload above max_frame got through: " + chunk);
                    }
                    ChunkWriter.encode(chunk); // whatever decodes must encode again
                });
            }
            reader.endOfInput();
        } catch (ProtocolViolationException expected) {
            // the documented failure
        }
    }

    @FuzzTest(maxDuration = "30s")
    void preambleReaderOnlyFailsWithProtocolViolations(byte[] input) {
        try {
            PreambleReader reader = new PreambleReader();
            ByteBuffer in = ByteBuffer.wrap(input);
            if (reader.feed(in).isEmpty()) {
                reader.endOfInput();
            }
        } catch (ProtocolViolationException expected) {
            // the documented failure
        }
    }
}
