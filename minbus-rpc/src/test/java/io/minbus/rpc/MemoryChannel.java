package io.minbus.rpc;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory {@link MessageChannel} pair with real back-pressure: each direction is a queue of at
 * most {@code capacity} messages, and {@link #send} blocks while it is full. {@link #write} holds a
 * message back until {@link #flush} or the next {@code send}, as a real output buffer may for ever:
 * a frame minbus-rpc forgot to flush is never delivered, and the test waiting for it times out.
 */
public final class MemoryChannel implements MessageChannel {

    private static final AtomicLong IDS = new AtomicLong();

    private final Pipe in;
    private final Pipe out;
    private final String name;
    private final ReentrantLock pendingLock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong deliveringFlushes = new AtomicLong();

    private MemoryChannel(Pipe in, Pipe out, String name) {
        this.in = in;
        this.out = out;
        this.name = name;
    }

    /** Two connected ends; each direction holds at most {@code capacity} messages. */
    public static MemoryChannel[] pair(int capacity) {
        Pipe ab = new Pipe(capacity);
        Pipe ba = new Pipe(capacity);
        long id = IDS.incrementAndGet();
        return new MemoryChannel[] {new MemoryChannel(ba, ab, "memory:" + id + "a"), new MemoryChannel(ab, ba, "memory:" + id + "b")};
    }

    @Override
    public void send(ByteBuffer message) {
        pendingLock.lock();
        try {
            drainPending();
            out.put(message);
        } finally {
            pendingLock.unlock();
        }
    }

    @Override
    public void write(ByteBuffer message) {
        pendingLock.lock();
        try {
            pending.add(message);
            writes.incrementAndGet();
        } finally {
            pendingLock.unlock();
        }
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
        pendingLock.lock();
        try {
            if (!pending.isEmpty()) {
                deliveringFlushes.incrementAndGet();
            }
            drainPending();
        } finally {
            pendingLock.unlock();
        }
    }

    private void drainPending() {
        ByteBuffer b;
        while ((b = pending.poll()) != null) {
            out.put(b);
        }
    }

    /** Messages written with {@link #write} so far. */
    public long writes() {
        return writes.get();
    }

    /** Calls of {@link #flush} so far. */
    public long flushes() {
        return flushes.get();
    }

    /** Calls of {@link #flush} that had written messages to deliver (what would be a system call each). */
    public long deliveringFlushes() {
        return deliveringFlushes.get();
    }

    @Override
    public Optional<ByteBuffer> receive() {
        return in.take();
    }

    @Override
    public void close() {
        out.end();
        in.release();
    }

    /** Whether both directions are over (for leak checks). */
    public boolean isClosed() {
        return out.isOver() && in.isOver();
    }

    @Override
    public String toString() {
        return name;
    }

    /** One direction: a bounded queue, ended by its writer, released by its reader. */
    private static final class Pipe {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition notEmpty = lock.newCondition();
        private final Condition notFull = lock.newCondition();
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        private final int capacity;
        private boolean ended;
        private boolean released;

        Pipe(int capacity) {
            this.capacity = capacity;
        }

        void put(ByteBuffer b) {
            lock.lock();
            try {
                while (queue.size() >= capacity && !ended && !released) {
                    await(notFull);
                }
                if (ended) {
                    throw new ChannelClosedException("this side closed the channel");
                }
                if (released) {
                    throw new ChannelClosedException("the peer closed the channel");
                }
                queue.add(b);
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        Optional<ByteBuffer> take() {
            lock.lock();
            try {
                while (queue.isEmpty() && !ended && !released) {
                    await(notEmpty);
                }
                if (released || queue.isEmpty()) {
                    return Optional.empty();
                }
                ByteBuffer b = queue.poll();
                notFull.signal();
                return Optional.of(b);
            } finally {
                lock.unlock();
            }
        }

        void end() {
            lock.lock();
            try {
                ended = true;
                notEmpty.signalAll();
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void release() {
            lock.lock();
            try {
                released = true;
                queue.clear();
                notEmpty.signalAll();
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
        }

        boolean isOver() {
            lock.lock();
            try {
                return ended || released;
            } finally {
                lock.unlock();
            }
        }

        private static void await(Condition c) {
            try {
                c.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RpcCancelledException("interrupted while waiting on an in-memory channel");
            }
        }
    }
}
