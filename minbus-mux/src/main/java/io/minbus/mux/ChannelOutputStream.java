package io.minbus.mux;

import java.io.OutputStream;
import java.nio.ByteBuffer;

/** A half we write as a byte stream: each write is one message; close closes the half. */
final class ChannelOutputStream extends OutputStream {
    private final WriteEnd out;

    ChannelOutputStream(WriteEnd out) {
        this.out = out;
    }

    @Override
    public void write(int b) {
        out.send(ByteBuffer.wrap(new byte[] {(byte) b}), true);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        out.send(ByteBuffer.wrap(b, off, len), true); // the engine copies before send returns
    }

    @Override
    public void close() {
        out.close(ByteBuffer.allocate(0));
    }
}
