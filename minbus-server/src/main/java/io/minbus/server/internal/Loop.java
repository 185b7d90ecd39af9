package io.minbus.server.internal;

import io.minbus.mux.OutputBuffers;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One selector loop: a platform thread that owns a set of connections and is the only thread that
 * touches their sessions. Other threads (other loops, the accepting loop, the registry's watchers,
 * {@code close()}) reach it through its mailbox, {@link #execute}, which wakes the selector.
 *
 * <p>Per iteration: select (with a timeout up to the next timer tick), handle ready keys (accept, read,
 * write), run the mailbox, run timers (preamble and registration timeouts, heartbeats) when due, then
 * flush every connection that got output: each is drained into as few writes as the socket takes.
 */
public final class Loop implements Runnable {
    private static final int MAX_TASKS_PER_TURN = 8192;
    private static final long SHUTDOWN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    final int index;
    final Bus bus;
    final Selector selector;
    /** Shared by the loop's connections: input is consumed by the session before the next read. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    /**
     * The output buffers of the loop's connections: one is taken while a connection has bytes to write
     * and given back once they are written. 96 KiB holds a turn's 64 KiB of output plus one more 16 KiB
     * chunk. At most eight exist per loop; beyond them (many connections with output in one turn) a
     * connection gets a small heap buffer, as before the pool.
     */
    final OutputBuffers outputBuffers = new OutputBuffers(96 * 1024, 8);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Set<Conn> conns = new HashSet<>();
    private final ArrayDeque<Conn> dirty = new ArrayDeque<>();
    private final long tickNanos;
    private Thread thread;
    private long nextTick;
    private long shutdownDeadline;
    private boolean stopping;

    public Loop(int index, Bus bus) throws IOException {
        this.index = index;
        this.bus = bus;
        this.selector = Selector.open();
        this.tickNanos = tickFor(bus);
    }

    /** A tenth of the shortest timer, within 5 ms .. 500 ms. */
    private static long tickFor(Bus bus) {
        long shortest = Math.min(Math.min(bus.limits.heartbeatInterval().toNanos(), bus.limits.visibilityTimeout().toNanos()),
                Math.min(bus.limits.heartbeatTimeout().toNanos(), bus.limits.registrationTimeout().toNanos()));
        return Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.MILLISECONDS.toNanos(500), shortest / 10));
    }

    /** Starts the loop's thread. */
    public void start(String serverName) {
        thread = Thread.ofPlatform().name(serverName + "-loop-" + index).daemon().start(this);
    }

    /** Runs {@code task} on this loop, soon; callable from any thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Whether no task waits in the mailbox (meaningful on the loop's thread). */
    boolean mailboxEmpty() {
        return tasks.isEmpty();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Asks the loop to shut down: every connection is cleaned up with SHUTDOWN, flushed (briefly) and closed. */
    public void shutdown() {
        execute(() -> {
            if (stopping) {
                return;
            }
            stopping = true;
            shutdownDeadline = System.nanoTime() + SHUTDOWN_GRACE_NANOS;
            for (Conn c : List.copyOf(conns)) {
                c.shutdown();
            }
        });
    }

    /** Waits for the loop's thread to end. */
    public void join(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

    void added(Conn conn) {
        conns.add(conn);
    }

    void removed(Conn conn) {
        conns.remove(conn);
    }

    void markDirty(Conn conn) {
        dirty.add(conn);
    }

    @Override
    public void run() {
        nextTick = System.nanoTime() + tickNanos;
        try {
            while (!(stopping && (conns.isEmpty() || System.nanoTime() - shutdownDeadline > 0))) {
                turn();
            }
        } catch (IOException | RuntimeException e) {
            Bus.LOG.log(Level.ERROR, "selector loop " + index + " failed; its connections are closed", e);
        } finally {
            for (Conn c : List.copyOf(conns)) {
                c.closeNow("the server stopped");
            }
            try {
                selector.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    private void turn() throws IOException {
        wakeupPending.set(false);
        long wait = nextTick - System.nanoTime();
        if (!tasks.isEmpty() || !dirty.isEmpty() || wait <= 0) {
            selector.selectNow();
        } else {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
        }
        Set<SelectionKey> ready = selector.selectedKeys();
        for (SelectionKey key : ready) {
            handle(key);
        }
        ready.clear();
        runTasks();
        long now = System.nanoTime();
        if (now - nextTick >= 0) {
            nextTick = now + tickNanos;
            for (Conn c : new ArrayList<>(conns)) {
                c.tick(now);
            }
        }
        Conn c;
        while ((c = dirty.poll()) != null) {
            c.flush();
        }
    }

    private void handle(SelectionKey key) {
        Object attachment = key.attachment();
        try {
            if (attachment instanceof Acceptor acceptor) {
                if (key.isValid() && key.isAcceptable()) {
                    acceptor.acceptAll();
                }
                return;
            }
            Conn conn = (Conn) attachment;
            if (key.isValid() && key.isWritable()) {
                conn.onWritable();
            }
            if (key.isValid() && key.isReadable()) {
                conn.onReadable();
            }
        } catch (RuntimeException e) {
            Bus.LOG.log(Level.ERROR, "selector loop " + index + ": handling " + attachment + " failed", e);
            if (attachment instanceof Conn conn) {
                conn.closeNow("internal error: " + e);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        int n = 0;
        while (n++ < MAX_TASKS_PER_TURN && (task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                Bus.LOG.log(Level.ERROR, "selector loop " + index + ": a task failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "loop-" + index;
    }
}
