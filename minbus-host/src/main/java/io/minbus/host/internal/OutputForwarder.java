package io.minbus.host.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Forwards one plugin process's stdout and stderr, line by line, to its logger, without ever
 * letting the plugin block on a slow log.
 *
 * <p>Two reader threads (one per stream) read continuously and cut lines ({@link LineSplitter},
 * {@link #MAX_LINE_BYTES}); they never wait for the log: they hand lines to a bounded queue ({@link
 * #QUEUE_LINES} lines and {@link #QUEUE_CHARS} characters) and, when it is full, drop the line and
 * count it. A third thread writes queued lines to the logger and, before the next line after a
 * drop, logs one WARNING "N lines of output dropped". The last stderr lines are kept separately
 * (before any dropping) for error messages.
 */
final class OutputForwarder {

    /** Longest line logged as one record; longer lines are split (at a UTF-8 character boundary). */
    static final int MAX_LINE_BYTES = 8 * 1024;
    /** Most lines waiting for the logger. */
    static final int QUEUE_LINES = 4096;
    /** Most characters waiting for the logger. */
    static final long QUEUE_CHARS = 1 << 20;

    private static final Line END = new Line(Level.OFF, "");

    private record Line(Level level, String text) {}

    private final String prefix;
    private final Logger logger;
    private final Level stdoutLevel;
    private final Level stderrLevel;
    private final int tailLines;
    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
    private final AtomicLong queuedChars = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedTotal = new AtomicLong();
    private final ReentrantLock tailLock = new ReentrantLock();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final CountDownLatch readersDone = new CountDownLatch(2);
    private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger(2);

    OutputForwarder(String pluginName, Logger logger, Level stdoutLevel, Level stderrLevel, int tailLines) {
        this.prefix = "[" + pluginName + "] ";
        this.logger = logger;
        this.stdoutLevel = stdoutLevel;
        this.stderrLevel = stderrLevel;
        this.tailLines = tailLines;
    }

    /** Starts the reader threads and the logging thread. */
    void start(String threadPrefix, InputStream stdout, InputStream stderr) {
        thread(threadPrefix + "-stdout", () -> read(stdout, stdoutLevel, false));
        thread(threadPrefix + "-stderr", () -> read(stderr, stderrLevel, true));
        thread(threadPrefix + "-log", this::pump);
    }

    /** Waits until both streams reached end-of-file; true if they did within {@code timeout}. */
    boolean awaitEndOfOutput(Duration timeout) {
        try {
            return readersDone.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last stderr lines, oldest first. */
    List<String> stderrTail() {
        tailLock.lock();
        try {
            return List.copyOf(tail);
        } finally {
            tailLock.unlock();
        }
    }

    /** How many lines were dropped because the log could not keep up. */
    long droppedLines() {
        return droppedTotal.get();
    }

    private static void thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private void read(InputStream in, Level level, boolean isStderr) {
        boolean loggable = logger.isLoggable(level);
        LineSplitter splitter = new LineSplitter(MAX_LINE_BYTES, line -> accept(line, level, loggable, isStderr));
        byte[] buf = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                splitter.feed(buf, 0, n);
            }
        } catch (IOException e) {
            // the stream was closed under us: the process is gone
        } finally {
            splitter.finish();
            readersDone.countDown();
            if (openStreams.decrementAndGet() == 0) {
                enqueueEnd();
            }
        }
    }

    private void accept(String line, Level level, boolean loggable, boolean isStderr) {
        if (isStderr && tailLines > 0) {
            tailLock.lock();
            try {
                if (tail.size() == tailLines) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            } finally {
                tailLock.unlock();
            }
        }
        if (!loggable) {
            return;
        }
        if (queuedChars.get() + line.length() > QUEUE_CHARS || !queue.offer(new Line(level, line))) {
            dropped.incrementAndGet();
            droppedTotal.incrementAndGet();
            return;
        }
        queuedChars.addAndGet(line.length());
    }

    private void enqueueEnd() {
        try {
            queue.put(END); // the plugin has finished writing: waiting here blocks nobody
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump() {
        try {
            while (true) {
                Line line = queue.take();
                queuedChars.addAndGet(-line.text().length());
                try {
                    reportDropped();
                    if (line == END) {
                        return;
                    }
                    logger.log(line.level(), prefix + line.text());
                } catch (RuntimeException e) {
                    // a failing log must not stop the draining; the line is lost
                    System.getLogger("minbus.host").log(Level.ERROR, prefix + "forwarding plugin output failed", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reportDropped() {
        long n = dropped.getAndSet(0);
        if (n > 0) {
            logger.log(Level.WARNING, prefix + n + " lines of output dropped: the log could not keep up");
        }
    }
}
