package io.minbus.rpc.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.minbus.rpc.MalformedMessageException;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the RPC message parser (docs/rpc.md §2) and the body parsers: arbitrary
 * bytes either decode to a frame that re-encodes to exactly the same bytes, or fail with {@link
 * MalformedMessageException} naming a section of docs/rpc.md; nothing else escapes. Replays {@code
 * src/test/resources/io/minbus/rpc/internal/RpcMessageFuzzTestInputs} in a normal build; {@code
 * scripts/fuzz.sh io.minbus.rpc.internal.RpcMessageFuzzTest#messageDecoderOnlyFailsWithARule 180}
 * fuzzes for real. (FrameCodecFuzzTest covers the same with seeded mutations.)
 */
class RpcMessageFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void messageDecoderOnlyFailsWithARule(byte[] input) {
        ByteBuffer message = ByteBuffer.wrap(input).asReadOnlyBuffer();
        FrameCodec.requestThread(message);
        try {
            Frame f = FrameCodec.decode(message);
            if (!FrameCodec.encode(f).equals(ByteBuffer.wrap(input))) {
                throw new AssertionError("not re-encoded to the same bytes: " + f);
            }
            bodies(f.body());
        } catch (MalformedMessageException e) {
            if (!e.getMessage().contains("docs/rpc.md §")) {
                throw new AssertionError("no section in: " + e.getMessage(), e);
            }
        }
        bodies(ByteBuffer.wrap(input));
    }

    private static void bodies(ByteBuffer body) {
        try {
            Bodies.error(body.duplicate());
        } catch (MalformedMessageException expected) {
            // documented
        }
        try {
            Bodies.open(body.duplicate());
        } catch (MalformedMessageException expected) {
            // documented
        }
        try {
            Bodies.attach(body.duplicate());
        } catch (MalformedMessageException expected) {
            // documented
        }
        try {
            Bodies.token(body.duplicate());
        } catch (MalformedMessageException expected) {
            // documented
        }
        try {
            FrameCodec.decimalBody(body.duplicate(), "N");
        } catch (MalformedMessageException expected) {
            // documented
        }
    }
}
