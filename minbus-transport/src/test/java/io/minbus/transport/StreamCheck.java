package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;

/** Sends seeded random bytes in random-sized gathering writes, and reads them back with a checksum. */
final class StreamCheck {

    /** What one side saw: how many bytes, and their CRC-32. */
    record Tally(long bytes, long crc) {}

    private StreamCheck() {}

    /** The seed for this run: {@code -Dminbus.test.seed=N} to replay one; printed either way. */
    static long seed(String test) {
        long seed = Long.getLong("minbus.test.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (replay with -Dminbus.test.seed=" + seed + ")");
        return seed;
    }

    /** Writes {@code total} random bytes, then shuts down output. */
    static Tally send(Transport transport, long seed, int total) {
        Random random = new Random(seed);
        CRC32 crc = new CRC32();
        int sent = 0;
        while (sent < total) {
            ByteBuffer[] parts = new ByteBuffer[1 + random.nextInt(4)];
            for (int i = 0; i < parts.length; i++) {
                int length = Math.min(random.nextInt(32 * 1024), total - sent);
                byte[] data = new byte[length];
                random.nextBytes(data);
                crc.update(data);
                sent += length;
                parts[i] = buffer(random, data);
            }
            transport.write(parts);
            for (ByteBuffer part : parts) {
                assertThat(part.hasRemaining()).as("write consumed every buffer").isFalse();
            }
        }
        transport.shutdownOutput();
        return new Tally(sent, crc.getValue());
    }

    private static ByteBuffer buffer(Random random, byte[] data) {
        return switch (random.nextInt(3)) {
            case 0 -> ByteBuffer.wrap(data);
            case 1 -> ByteBuffer.allocateDirect(data.length).put(data).flip();
            default -> { // a slice with a non-zero array offset
                byte[] larger = new byte[data.length + 7];
                System.arraycopy(data, 0, larger, 7, data.length);
                yield ByteBuffer.wrap(larger, 7, data.length).slice();
            }
        };
    }

    /** Reads with random-sized heap and direct buffers until end of stream. */
    static Tally receive(Transport transport, long seed) {
        Random random = new Random(seed);
        CRC32 crc = new CRC32();
        long received = 0;
        while (true) {
            int size = 1 + random.nextInt(64 * 1024);
            ByteBuffer buffer = random.nextBoolean() ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
            int n = transport.read(buffer);
            if (n < 0) {
                return new Tally(received, crc.getValue());
            }
            assertThat(n).as("a blocking read returns at least one byte").isPositive();
            buffer.flip();
            crc.update(buffer);
            received += n;
        }
    }

    /** Reads exactly {@code length} bytes. */
    static byte[] readExactly(Transport transport, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (transport.read(buffer) < 0) {
                throw new AssertionError("end of stream after " + buffer.position() + " of " + length + " bytes");
            }
        }
        return buffer.array();
    }
}
