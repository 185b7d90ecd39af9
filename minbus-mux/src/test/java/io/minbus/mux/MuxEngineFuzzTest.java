package io.minbus.mux;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.minbus.wire.Limits;
import io.minbus.wire.ProtocolViolationException;
import java.nio.ByteBuffer;

/**
 * Feeds arbitrary bytes, in arbitrary pieces, into an engine after the preamble. The only exception
 * allowed out is {@link ProtocolViolationException}; the engine's invariants hold after every
 * piece; memory stays bounded by the limits (the listener keeps nothing, and the engine itself
 * buffers no received data). The engine has opened a sink, a stream, a duplex and a request of its
 * own, so that In-typed chunks can reach real state, and its listener grants credit back as data
 * arrives, so long inputs go deep. In a normal build this replays the corpus under
 * {@code src/test/resources/io/minbus/mux/MuxEngineFuzzTestInputs}; with {@code JAZZER_FUZZ=1} it
 * fuzzes for real.
 */
class MuxEngineFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void engineOnlyFailsWithProtocolViolations(FuzzedDataProvider data) {
        MuxEngine[] box = new MuxEngine[1];
        MuxListener listener = new MuxListener() {
            @Override
            public void opened(Entity entity, ByteBuffer opening) {
                entity.readHalf().ifPresent(h -> box[0].grant(h, 64));
                if (entity.kind() == EntityKind.REQUEST && opening.hasRemaining()) {
                    box[0].send(entity.writeHalf().orElseThrow(), ByteBuffer.allocate(opening.get(0) & 0xff));
                }
            }

            @Override
            public void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {
                if (!half.isEndedByUs() && !half.entity().isRemoved()) {
                    box[0].grant(half, fragment.remaining());
                }
            }

            @Override
            public void credit(Half half, long amount) {
                if (!half.isEndedByUs() && half.entity().kind() != EntityKind.REQUEST) {
                    box[0].send(half, ByteBuffer.allocate((int) Math.min(amount & 0x7fff, 3000)));
                }
            }
        };
        MuxEngine engine = new MuxEngine(new Limits(1024, 4096, 4), Limits.defaults(), 100, listener, "fuzz");
        box[0] = engine;
        engine.grant(engine.top().readHalf().orElseThrow(), 16);
        engine.openSink(ByteBuffer.allocate(1));
        engine.openStream(ByteBuffer.allocate(1), 10);
        engine.openDuplex(ByteBuffer.allocate(1), 10);
        engine.openRequest(ByteBuffer.allocate(1), 10);
        try {
            while (data.remainingBytes() > 0) {
                byte[] piece = data.consumeBytes(1 + data.consumeInt(0, 64));
                engine.receive(ByteBuffer.wrap(piece));
                engine.checkInvariants();
                while (engine.hasOutput()) {
                    ByteBuffer out = engine.output();
                    out.position(out.limit());
                }
            }
            engine.endOfInput();
        } catch (ProtocolViolationException expected) {
            // the documented failure
        }
    }
}
