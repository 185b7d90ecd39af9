package io.minbus.client.internal;

import io.minbus.client.ChannelClosedException;
import io.minbus.client.MinBusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** The byte views of a channel: EOF at the other side's close, {@link IOException} when broken. */
final class ChannelStreams {
    private ChannelStreams() {}

    /** The half we read as bytes. Not thread-safe. */
    static final class Input extends InputStream {
        private final io.minbus.client.Channel channel;
        private ByteBuffer current = ByteBuffer.allocate(0);
        private boolean eof;

        Input(io.minbus.client.Channel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (!current.hasRemaining()) {
                if (eof) {
                    return -1;
                }
                try {
                    current = channel.receive();
                } catch (ChannelClosedException e) {
                    eof = true;
                } catch (MinBusException | IllegalStateException e) {
                    throw new IOException(e.getMessage(), e);
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
                channel.cancel(ClientConnection.EMPTY.duplicate());
            }
        }
    }

    /** The half we write as bytes; each write is one message. */
    static final class Output extends OutputStream {
        private final io.minbus.client.Channel channel;

        Output(io.minbus.client.Channel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            try {
                channel.send(ByteBuffer.wrap(b, off, len)); // copied before send returns
            } catch (MinBusException | IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            channel.close(ClientConnection.EMPTY.duplicate());
        }
    }
}
