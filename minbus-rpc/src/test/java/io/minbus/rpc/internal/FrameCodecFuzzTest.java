package io.minbus.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.Seeds;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Random and mutated messages: the decoder either decodes canonically or names a rule, never more. */
@Timeout(30)
class FrameCodecFuzzTest {

    @Test
    void mutatedMessagesDecodeOrFailWithARule() {
        SplittableRandom random = new SplittableRandom(Seeds.seed("mutatedMessagesDecodeOrFailWithARule"));
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] m = message(random);
            int mutations = random.nextInt(4);
            for (int k = 0; k < mutations && m.length > 0; k++) {
                m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(8) == 0) {
                m = java.util.Arrays.copyOf(m, random.nextInt(m.length + 1));
            }
            try {
                Frame f = FrameCodec.decode(ByteBuffer.wrap(m));
                if (!FrameCodec.encode(f).equals(ByteBuffer.wrap(m))) {
                    fail("not re-encoded canonically: " + HexFormat.ofDelimiter(" ").formatHex(m) + " decoded as " + f);
                }
                decoded++;
            } catch (MalformedMessageException e) {
                if (!e.getMessage().contains("docs/rpc.md §")) {
                    fail("no section in: " + e.getMessage());
                }
                rejected++;
            }
        }
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    private static byte[] message(SplittableRandom random) {
        if (random.nextInt(4) == 0) {
            byte[] noise = new byte[random.nextInt(40)];
            random.nextBytes(noise);
            return noise;
        }
        byte[] body = new byte[random.nextInt(20)];
        random.nextBytes(body);
        Direction d = Direction.values()[random.nextInt(3)];
        long thread = d == Direction.ONEWAY ? 0 : 1 + random.nextLong(Long.MAX_VALUE);
        ByteBuffer b = FrameCodec.encode(new Frame(thread, d, "cmd" + random.nextInt(1000), ByteBuffer.wrap(body)));
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
