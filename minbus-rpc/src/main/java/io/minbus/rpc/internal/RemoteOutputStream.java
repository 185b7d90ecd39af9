package io.minbus.rpc.internal;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcCancelledException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@code OutputStream} the peer passed: bytes go out as {@code cmd.data} (blocking while the
 * peer grants no credit); {@link #close()} sends {@code cmd.end} and waits until the peer has
 * written and flushed everything.
 */
final class RemoteOutputStream extends OutputStream {

    private final StreamLink link;
    private final Cleaner.Cleanable cleanable;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] buf;
    private int count;
    private boolean closed;

    RemoteOutputStream(Endpoint ep, long ref, int chunkBytes) {
        this.link = new StreamLink(ep, ref);
        this.cleanable = Timers.CLEANER.register(this, link);
        this.buf = new byte[chunkBytes];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            ensureOpen();
            while (len > 0) {
                int n = Math.min(len, buf.length - count);
                System.arraycopy(b, off, buf, count, n);
                count += n;
                off += n;
                len -= n;
                if (count == buf.length) {
                    sendBuffered();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends what is buffered; it does not wait for the peer to write it (close does). */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (count > 0) {
                sendBuffered();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends the rest and {@code cmd.end}, and waits until the peer confirms it wrote everything. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (count == 0 && !link.connected()) {
                cleanable.clean();
                return;
            }
            if (count > 0) {
                sendBuffered();
            }
            MessageChannel ch = link.channel();
            send(ch, FrameCodec.encode(Frame.oneway(Commands.END, Endpoint.EMPTY)));
            awaitEnd(ch);
        } finally {
            cleanable.clean();
            lock.unlock();
        }
    }

    private void sendBuffered() throws IOException {
        MessageChannel ch = link.channel();
        send(ch, FrameCodec.encode(0, Direction.ONEWAY, Commands.DATA, buf, 0, count));
        count = 0;
    }

    private void send(MessageChannel ch, ByteBuffer message) throws IOException {
        try {
            ch.send(message);
        } catch (RpcCancelledException e) {
            throw new InterruptedIOException("writing stream ref " + link.ref + " was interrupted");
        } catch (ChannelClosedException e) {
            closed = true;
            IOException reason = reason(ch);
            throw reason != null ? reason : new IOException("the receiving side closed stream ref " + link.ref + ": " + e.getMessage(), e);
        }
    }

    private void awaitEnd(MessageChannel ch) throws IOException {
        IOException reason = reason(ch);
        if (reason != null) {
            throw reason;
        }
    }

    /** Reads what the peer said last: null after its {@code cmd.end}, else the failure. */
    private IOException reason(MessageChannel ch) {
        while (true) {
            Optional<ByteBuffer> m;
            try {
                m = ch.receive();
            } catch (RpcCancelledException e) {
                return new InterruptedIOException("waiting for the end of stream ref " + link.ref + " was interrupted");
            }
            if (m.isEmpty()) {
                return new IOException("the receiving side of stream ref " + link.ref + " closed it before confirming that it wrote everything");
            }
            Frame f;
            try {
                f = FrameCodec.decode(m.get());
            } catch (MalformedMessageException e) {
                return new IOException("stream ref " + link.ref + ": " + e.getMessage(), e);
            }
            if (f.isOneway(Commands.END)) {
                return null;
            }
            if (f.isOneway(Commands.ERROR)) {
                Bodies.Error e = Bodies.error(f.body());
                return new IOException("the receiving side of stream ref " + link.ref + " failed: " + e.message()
                        + (e.type().isEmpty() ? "" : " (" + e.type() + ")"));
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream ref " + link.ref + " is closed");
        }
    }

    @Override
    public String toString() {
        return "RemoteOutputStream[ref " + link.ref + "]";
    }
}
