package io.minbus.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.transport.Transport;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;

/** Sends seeded random bytes in random-sized gathering writes, and reads them back with a checksum. */
final class StreamCheck {

    /** What one side saw: how many bytes, and their CRC-32. */
    record Tally(long bytes, long crc) {}

    private StreamCheck() {}

    /** Writes {@code total} random bytes in writes of up to 20 KiB, then shuts down output. */
    static Tally send(Transport transport, long seed, int total) {
        Random random = new Random(seed);
        CRC32 crc = new CRC32();
        int sent = 0;
        while (sent < total) {
            ByteBuffer[] parts = new ByteBuffer[1 + random.nextInt(3)];
            for (int i = 0; i < parts.length; i++) {
                int length = Math.min(random.nextInt(random.nextBoolean() ? 100 : 20 * 1024), total - sent);
                byte[] data = new byte[length];
                random.nextBytes(data);
                crc.update(data);
                sent += length;
                parts[i] = random.nextBoolean()
                        ? ByteBuffer.wrap(data)
                        : ByteBuffer.allocateDirect(length).put(data).flip();
            }
            transport.write(parts);
            for (ByteBuffer part : parts) {
                assertThat(part.hasRemaining()).as("write consumed every buffer").isFalse();
            }
        }
        transport.shutdownOutput();
        return new Tally(sent, crc.getValue());
    }

    /** Reads with random-sized heap and direct buffers until end of stream. */
    static Tally receive(Transport transport, long seed) {
        Random random = new Random(seed);
        CRC32 crc = new CRC32();
        long received = 0;
        while (true) {
            int size = 1 + random.nextInt(random.nextBoolean() ? 16 : 10_000);
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

    /** Reads exactly {@code length} bytes, failing at an early end of stream. */
    static byte[] readExactly(Transport transport, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            assertThat(transport.read(buffer)).as("end of stream after %d of %d bytes", buffer.position(), length)
                    .isNotNegative();
        }
        return buffer.array();
    }
}
