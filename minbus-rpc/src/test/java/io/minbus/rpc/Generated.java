package io.minbus.rpc;

import java.io.InputStream;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/** A seeded stream of pseudo-random bytes of a given length, made as it is read (never held). */
public final class Generated extends InputStream {

    private final SplittableRandom random;
    private final long length;
    private final byte[] block = new byte[64 * 1024];
    private int blockPos = block.length;
    private long produced;
    private volatile boolean closed;

    public Generated(long seed, long length) {
        this.random = new SplittableRandom(seed);
        this.length = length;
    }

    /** The CRC32C of the whole stream, computed without keeping it. */
    public static Digest digestOf(long seed, long length) {
        Generated g = new Generated(seed, length);
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = g.read(buf, 0, buf.length)) > 0) {
            crc.update(buf, 0, n);
        }
        return new Digest(length, crc.getValue());
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (produced == length) {
            return -1;
        }
        if (blockPos == block.length) {
            random.nextBytes(block);
            blockPos = 0;
        }
        int n = (int) Math.min(Math.min(len, block.length - blockPos), length - produced);
        System.arraycopy(block, blockPos, b, off, n);
        blockPos += n;
        produced += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public long produced() {
        return produced;
    }
}
