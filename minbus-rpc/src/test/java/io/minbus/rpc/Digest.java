package io.minbus.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * A length and a CRC32C: what tests compare instead of holding streams in memory.
 *
 * @param bytes how many bytes
 * @param crc their CRC32C
 */
public record Digest(long bytes, long crc) {

    /** Reads {@code in} to its end. */
    public static Digest of(InputStream in) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[100_000]; // not a multiple of the chunk size, on purpose
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            crc.update(buf, 0, n);
            total += n;
        }
        return new Digest(total, crc.getValue());
    }

    /** An output stream that digests what is written to it. */
    public static final class Sink extends OutputStream {
        private final CRC32C crc = new CRC32C();
        private long bytes;
        private volatile boolean closed;

        /** An empty sink. */
        public Sink() {}

        @Override
        public void write(int b) {
            crc.update(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            bytes += len;
        }

        @Override
        public void close() {
            closed = true;
        }

        public boolean isClosed() {
            return closed;
        }

        public Digest digest() {
            return new Digest(bytes, crc.getValue());
        }
    }
}
