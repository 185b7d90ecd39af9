package io.minbus.mux;

import java.io.InputStream;
import java.nio.ByteBuffer;

/** The messages of a half we read as one byte stream; EOF at the peer's close. Not thread-safe. */
final class ChannelInputStream extends InputStream {
    private final ReadEnd in;
    private ByteBuffer current = ByteBuffer.allocate(0);
    private boolean eof;

    ChannelInputStream(ReadEnd in) {
        this.in = in;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (!current.hasRemaining()) {
            if (eof) {
                return -1;
            }
            try {
                current = in.receive(0, true).orElseThrow();
            } catch (EndedException e) {
                eof = true;
            }
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return current.remaining();
    }

    @Override
    public void close() {
        if (!eof) {
            eof = true;
            in.cancel(ByteBuffer.allocate(0));
        }
    }
}
