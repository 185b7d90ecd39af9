package io.minbus.cli;

import io.minbus.client.Channel;
import io.minbus.client.ChannelClosedException;
import io.minbus.client.MinBusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;

/** Copying between byte streams and channels, the way socat and inetd join them. */
final class Pumps {
    static final int BUFFER = 64 * 1024;
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private Pumps() {}

    /**
     * Sends what an input stream yields (each read is one message) until its end, then closes the
     * half we write. Stops quietly if the other side cancels that half; a broken channel or a lost
     * bus ends it too (the receiving side reports those).
     */
    static final class Sender implements Runnable {
        private final InputStream in;
        private final Channel channel;
        private final PrintStream err;
        private volatile boolean sending;

        Sender(InputStream in, Channel channel, PrintStream err) {
            this.in = in;
            this.channel = channel;
            this.err = err;
        }

        /** True while a send waits for credit: closing the half now would wait for it. */
        boolean sending() {
            return sending;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[BUFFER];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0) {
                        sending = true;
                        try {
                            channel.send(ByteBuffer.wrap(buffer, 0, n));
                        } finally {
                            sending = false;
                        }
                    }
                }
                channel.close(EMPTY.duplicate());
            } catch (IOException e) {
                err.println("minbus: reading input failed: " + e.getMessage() + "; closed our half of the channel");
                channel.close(EMPTY.duplicate());
            } catch (ChannelClosedException e) {
                // the other side wants no more
            } catch (MinBusException | IllegalStateException e) {
                // broken, the bus is gone, or we closed the half meanwhile: the receiving side reports it
            }
        }
    }

    /**
     * Writes every message received to {@code out} (flushing each) until the other side closes the
     * half we read.
     *
     * @throws IOException if writing fails
     * @throws MinBusException if the channel breaks or the bus goes away
     */
    static void fromChannel(Channel channel, OutputStream out) throws IOException {
        try {
            while (true) {
                ByteBuffer m = channel.receive();
                if (m.hasArray()) {
                    out.write(m.array(), m.arrayOffset() + m.position(), m.remaining());
                } else {
                    byte[] bytes = new byte[m.remaining()];
                    m.get(bytes);
                    out.write(bytes);
                }
                out.flush();
            }
        } catch (ChannelClosedException e) {
            out.flush();
        }
    }
}
