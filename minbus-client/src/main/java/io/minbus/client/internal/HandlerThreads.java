package io.minbus.client.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a connection's {@code onConnect} handlers run when the user gave no executor: on a pooled
 * platform thread while fewer than {@code limit} of this connection's handlers hold one and the
 * process's budget ({@link #PROCESS_LIMIT} for all connections together) is not used up, else on a
 * virtual thread of their own.
 *
 * <p>Why both (docs/architecture.md, "Threads"; docs/benchmarks.md, "Platform handlers by
 * default"): a platform thread waiting in {@code receive} reads the socket itself (leader/follower),
 * so a message reaches it without a hand-off, which on a 2-vCPU machine takes tens of microseconds
 * off a round trip; a virtual thread waits for the reader thread. But each message to a parked
 * platform thread is a kernel context switch, and with tens of busy channels at once virtual
 * threads measured faster, so the platform threads are few (as many as CPUs) and go to the first
 * channels.
 */
final class HandlerThreads {
    /** The system property that sets {@link #PROCESS_LIMIT}. */
    static final String PROPERTY = "minbus.client.platformHandlers";
    /**
     * Default of {@link #PROCESS_LIMIT}: as many as the JVM has processors (1 when the process is
     * pinned to one CPU), since more platform threads than CPUs busy at once only switch contexts.
     */
    static final int DEFAULT_LIMIT = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** A connection's own limit unless set: none, only the process's budget. */
    static final int UNLIMITED = Integer.MAX_VALUE;
    /**
     * How many handlers of the whole process may hold a platform thread at once: a process serving
     * 64 busy channels on 64 connections must not get 64 platform threads.
     */
    static final int PROCESS_LIMIT = processLimit();
    private static final Semaphore PROCESS_PERMITS = new Semaphore(PROCESS_LIMIT);
    private static final long KEEP_ALIVE_SECONDS = 30;
    /**
     * Shared by every connection of the process, at most {@link #PROCESS_LIMIT} threads (named
     * {@code minbus-handler-N} while idle); idle threads end after {@link #KEEP_ALIVE_SECONDS}. A
     * thread that has just finished a handler may not be back in the pool yet: the pool then
     * refuses the next task, which runs on a virtual thread instead.
     */
    private static final ExecutorService POOL;

    static {
        AtomicInteger count = new AtomicInteger();
        POOL = new ThreadPoolExecutor(0, Math.max(1, PROCESS_LIMIT), KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "minbus-handler-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    private final Semaphore permits;

    /** @param limit how many handlers of one connection may hold a platform thread at once; 0: none */
    HandlerThreads(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("the number of platform handler threads must be 0 or more, not " + limit);
        }
        this.permits = new Semaphore(limit);
    }

    /** Runs {@code task} on a thread named {@code name}: a pooled platform one if a permit is free. */
    void start(String name, Runnable task) {
        if (permits.tryAcquire()) {
            if (PROCESS_PERMITS.tryAcquire()) {
                try {
                    POOL.execute(() -> runNamed(name, task));
                    return;
                } catch (RejectedExecutionException e) { // no pooled thread free yet: a virtual one
                    PROCESS_PERMITS.release();
                }
            }
            permits.release();
        }
        Thread.ofVirtual().name(name).start(task);
    }

    /** How many more handlers of the process could get a platform thread now. */
    static int processAvailable() {
        return PROCESS_PERMITS.availablePermits();
    }

    private static int processLimit() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        ClientConnection.LOG.log(System.Logger.Level.WARNING, "minbus client: the system property " + PROPERTY
                + " must be a number of threads, 0 or more, not \"" + value + "\"; using " + DEFAULT_LIMIT);
        return DEFAULT_LIMIT;
    }

    private void runNamed(String name, Runnable task) {
        Thread t = Thread.currentThread();
        String pooled = t.getName();
        t.setName(name);
        try {
            task.run();
        } finally {
            PROCESS_PERMITS.release();
            permits.release();
            t.setName(pooled); // after the release: a thread named back is free again
        }
    }
}
