package io.minbus.rpc;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory {@link MessageChannel} pair with real back-pressure: each direction is a queue of at
 * most {@code capacity} messages, and {@link #send} blocks while it is full. {@link #write} holds a
 * message back until {@link #flush} or the next {@code send}, as a real output buffer may for ever:
 * a frame minbus-rpc forgot to flush is never delivered, and the test waiting for it times out.
 * A pair made {@code delivering} supports {@link #deliverTo}: the sending thread offers each message
 * to the armed receiver, standing in for the reader thread of a real connection.
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
        return pair(capacity, false);
    }

    /** Two connected ends, supporting {@link #deliverTo} if {@code delivering}. */
    public static MemoryChannel[] pair(int capacity, boolean delivering) {
        Pipe ab = new Pipe(capacity, delivering);
        Pipe ba = new Pipe(capacity, delivering);
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
    public boolean deliverTo(Predicate<ByteBuffer> receiver) {
        return in.arm(receiver);
    }

    /** Messages this end's armed receiver took (never counted by a pair that is not delivering). */
    public long taken() {
        return in.taken.get();
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
        private final boolean delivering;
        private final AtomicLong taken = new AtomicLong();
        private Predicate<ByteBuffer> taker;
        private boolean ended;
        private boolean released;

        Pipe(int capacity, boolean delivering) {
            this.capacity = capacity;
            this.delivering = delivering;
        }

        boolean arm(Predicate<ByteBuffer> receiver) {
            lock.lock();
            try {
                if (!delivering || !queue.isEmpty() || ended || released) {
                    return false;
                }
                taker = receiver;
                return true;
            } finally {
                lock.unlock();
            }
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
                if (taker != null) {
                    taken.incrementAndGet(); // before the taker wakes anyone, so that they see the count
                    if (taker.test(b.duplicate())) {
                        return;
                    }
                    taken.decrementAndGet();
                    taker = null;
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
                taker = null;
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
                taker = null;
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
