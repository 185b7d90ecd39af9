package io.minbus.transport.internal;

import io.minbus.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of a byte stream held in memory: a bounded ring with one reader and one writer at
 * a time. The writer blocks while the ring is full, the reader while it is empty.
 *
 * <p>Ending it: {@link #endWrites} (the writer shut down or closed) lets the reader drain what is
 * left and then see end of stream; {@link #fail} does the same but then throws; {@link
 * #closeReads} (the reader closed) makes reads return -1 at once and writes fail.
 */
final class RingBuffer {

    /** Why writes are no longer accepted. */
    enum WriterState { OPEN, SHUT_DOWN, CLOSED }

    private final String description;
    private final byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private int head;
    private int size;
    private WriterState writer = WriterState.OPEN;
    private boolean readerClosed;
    private Optional<IOException> failure = Optional.empty();

    RingBuffer(int capacity, String description) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer size must be at least 1 byte, not " + capacity);
        }
        this.ring = new byte[capacity];
        this.description = description;
    }

    /** Blocks until at least one byte is available and copies what fits; -1 at end of stream. */
    int read(ByteBuffer dst) {
        if (!dst.hasRemaining()) {
            return 0;
        }
        lock.lock();
        try {
            while (size == 0 || readerClosed) {
                if (readerClosed) {
                    return -1;
                }
                if (failure.isPresent()) {
                    throw Failures.readFailed(description, failure.get());
                }
                if (writer != WriterState.OPEN) {
                    return -1;
                }
                readable.await();
            }
            int n = Math.min(size, dst.remaining());
            int first = Math.min(n, ring.length - head);
            dst.put(ring, head, first);
            dst.put(ring, 0, n - first);
            head = (head + n) % ring.length;
            size -= n;
            writable.signalAll();
            return n;
        } catch (InterruptedException e) {
            throw Failures.interrupted(description, "reading from");
        } finally {
            lock.unlock();
        }
    }

    /** Copies all of {@code src} in, blocking while the ring is full. */
    void write(ByteBuffer src) {
        while (src.hasRemaining()) {
            lock.lock();
            try {
                while (size == ring.length && !readerClosed && writer == WriterState.OPEN) {
                    writable.await();
                }
                checkWritable();
                int n = Math.min(ring.length - size, src.remaining());
                int tail = (head + size) % ring.length;
                int first = Math.min(n, ring.length - tail);
                src.get(ring, tail, first);
                src.get(ring, 0, n - first);
                size += n;
                readable.signalAll();
            } catch (InterruptedException e) {
                throw Failures.interrupted(description, "writing to");
            } finally {
                lock.unlock();
            }
        }
    }

    private void checkWritable() {
        switch (writer) {
            case CLOSED -> throw Failures.closed(description);
            case SHUT_DOWN -> throw Failures.outputShutDown(description);
            case OPEN -> {
                if (readerClosed) {
                    throw Failures.peerClosed(description);
                }
            }
        }
    }

    /** No more writes: the reader drains what is left, then sees end of stream. */
    void endWrites(WriterState reason) {
        lock.lock();
        try {
            if (writer == WriterState.OPEN || reason == WriterState.CLOSED) {
                writer = reason;
            }
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The source failed: the reader drains what is left, then gets a {@link TransportException}. */
    void fail(IOException cause) {
        lock.lock();
        try {
            failure = Optional.of(cause);
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reader is gone: reads return -1 at once, writes fail. */
    void closeReads() {
        lock.lock();
        try {
            readerClosed = true;
            size = 0;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
