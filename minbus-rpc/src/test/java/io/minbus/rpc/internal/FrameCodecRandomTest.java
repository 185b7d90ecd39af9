package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The encoder writes digits and ASCII commands without building strings; it must produce exactly the
 * bytes of docs/rpc.md §2 as a straightforward encoder spells them, and decode back, for seeded random
 * thread ids, commands (ASCII, non-ASCII, every length class) and bodies; {@code looksLikeResponse}
 * agrees with the decoded direction. The seed is printed.
 */
@Timeout(10)
class FrameCodecRandomTest {

    @Test
    void encodesLikeTheSpecAndDecodesBackForRandomFrames() {
        long seed = Long.getLong("minbus.test.seed", System.nanoTime());
        System.out.println("FrameCodecRandomTest seed " + seed + " (rerun with -Dminbus.test.seed=" + seed + ")");
        Random r = new Random(seed);
        String[] alphabet = {"a", "Z", "0", ".", " ", "~", "é", "ß", "€", "😀"};
        for (int i = 0; i < 5000; i++) {
            Direction d = Direction.values()[r.nextInt(Direction.values().length)];
            long thread = d == Direction.ONEWAY ? 0 : switch (r.nextInt(4)) {
                case 0 -> 1 + r.nextInt(9);
                case 1 -> 1 + r.nextInt(1_000_000);
                case 2 -> Long.MAX_VALUE - r.nextInt(1000);
                default -> 1 + (r.nextLong() & Long.MAX_VALUE) % Long.MAX_VALUE;
            };
            StringBuilder cmd = new StringBuilder();
            int len = 1 + r.nextInt(r.nextBoolean() ? 12 : 200);
            boolean ascii = r.nextBoolean();
            while (cmd.toString().getBytes(UTF_8).length < len) {
                cmd.append(alphabet[r.nextInt(ascii ? 6 : alphabet.length)]);
            }
            byte[] body = new byte[r.nextInt(100)];
            r.nextBytes(body);
            Frame f = new Frame(thread, d, cmd.toString(), ByteBuffer.wrap(body));

            ByteBuffer encoded = FrameCodec.encode(f);
            assertThat(FrameCodec.looksLikeResponse(encoded)).as("seed %d frame %d", seed, i).isEqualTo(d == Direction.RESPONSE);
            assertThat(bytes(encoded.duplicate())).as("seed %d frame %d", seed, i).isEqualTo(reference(f, body));
            Frame back = FrameCodec.decode(encoded);
            assertThat(back.thread()).isEqualTo(thread);
            assertThat(back.direction()).isEqualTo(d);
            assertThat(back.cmd()).isEqualTo(cmd.toString());
            assertThat(bytes(back.body())).isEqualTo(body);
        }
    }

    @Test
    void looksLikeResponseOnlyPeeksAndNeverThrowsOnMalformedBytes() {
        assertThat(FrameCodec.looksLikeResponse(ByteBuffer.wrap("7\u00001\u00003\u0000abc".getBytes(UTF_8)))).isTrue();
        assertThat(FrameCodec.looksLikeResponse(ByteBuffer.wrap("7\u00000\u00003\u0000abc".getBytes(UTF_8)))).isFalse();
        assertThat(FrameCodec.looksLikeResponse(ByteBuffer.wrap("7\u00001".getBytes(UTF_8)))).as("cut short").isFalse();
        assertThat(FrameCodec.looksLikeResponse(ByteBuffer.wrap(new byte[0]))).isFalse();
        assertThat(FrameCodec.looksLikeResponse(ByteBuffer.wrap("12345678901234567890123\u00001\u0000".getBytes(UTF_8))))
                .as("no 0x00 within THREAD's longest form").isFalse();
    }

    private static byte[] reference(Frame f, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] cmd = f.cmd().getBytes(UTF_8);
        out.writeBytes(Long.toString(f.thread()).getBytes(UTF_8));
        out.write(0);
        out.write(f.direction().digit());
        out.write(0);
        out.writeBytes(Integer.toString(cmd.length).getBytes(UTF_8));
        out.write(0);
        out.writeBytes(cmd);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
