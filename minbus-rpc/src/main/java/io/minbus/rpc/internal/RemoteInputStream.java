package io.minbus.rpc.internal;

import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcCancelledException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@code InputStream} the peer passed: reads {@code cmd.data} from its channel (opened on the
 * first read) until {@code cmd.end}. Back-pressure: the peer sends only as fast as this is read.
 */
final class RemoteInputStream extends InputStream {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final StreamLink link;
    private final Cleaner.Cleanable cleanable;
    private final ReentrantLock lock = new ReentrantLock();
    private ByteBuffer current = EMPTY;
    private boolean eof;
    private IOException failure;
    private volatile boolean closed;

    RemoteInputStream(Endpoint ep, long ref) {
        this.link = new StreamLink(ep, ref);
        this.cleanable = Timers.CLEANER.register(this, link);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            if (closed) {
                throw new IOException("stream ref " + link.ref + " is closed");
            }
            if (len == 0) {
                return 0;
            }
            while (!current.hasRemaining()) {
                if (eof) {
                    return -1;
                }
                if (failure != null) {
                    throw failure;
                }
                next();
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return current.remaining();
        } finally {
            lock.unlock();
        }
    }

    private void next() throws IOException {
        MessageChannel ch = link.channel();
        Optional<ByteBuffer> m;
        try {
            m = ch.receive();
        } catch (RpcCancelledException e) {
            throw new InterruptedIOException("reading stream ref " + link.ref + " was interrupted");
        }
        if (m.isEmpty()) {
            throw fail(link.isClosed() ? "stream ref " + link.ref + " is closed"
                    : "stream ref " + link.ref + " ended without cmd.end: the sending side closed its channel early (did its process die?)");
        }
        Frame f;
        try {
            f = FrameCodec.decode(m.get());
        } catch (MalformedMessageException e) {
            throw fail("stream ref " + link.ref + ": " + e.getMessage());
        }
        if (f.isOneway(Commands.DATA)) {
            current = f.body();
        } else if (f.isOneway(Commands.END)) {
            eof = true;
            cleanable.clean();
        } else if (f.isOneway(Commands.ERROR)) {
            Bodies.Error e = Bodies.error(f.body());
            throw fail("the sending side of stream ref " + link.ref + " failed: " + e.message() + (e.type().isEmpty() ? "" : " (" + e.type() + ")"));
        } else {
            throw fail("stream ref " + link.ref + ": '" + f + "' is not allowed on a stream channel (docs/rpc.md §7)");
        }
    }

    private IOException fail(String message) {
        failure = new IOException(message);
        cleanable.clean();
        return failure;
    }

    /** Closes the channel (the sender stops), or releases the ref if nothing was read. */
    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "RemoteInputStream[ref " + link.ref + "]";
    }
}
