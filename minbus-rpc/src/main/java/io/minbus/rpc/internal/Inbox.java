package io.minbus.rpc.internal;

import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.RpcConfig;
import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * Schedules incoming messages (docs/rpc.md §5). Each request runs on a virtual thread of its own,
 * so a slow handler never holds up the others; one-way messages run one at a time, in the order
 * they arrived, on one worker. {@code cmd.cancel}, {@code cmd.release} and one-way {@code
 * cmd.error} are handled at once on the reader thread. Nothing runs before the endpoint is
 * registered ({@link #open()}).
 *
 * <p>Bounds: at most {@link RpcConfig#maxConcurrentRequests()} requests run and at most {@link
 * RpcConfig#oneWayQueue()} one-way messages wait; beyond that the reader stops reading, so the
 * channel's back-pressure reaches the peer instead of memory growing here.
 */
final class Inbox {

    /** A request being handled. */
    static final class Job {
        final Frame frame;
        volatile Thread thread;
        volatile boolean cancelled;
        /** Whether the response was handed to the outbox (which then no longer expects it). */
        boolean sent;

        Job(Frame frame) {
            this.frame = frame;
        }
    }

    private final Endpoint ep;
    private final Dispatch dispatch;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Semaphore permits;
    private final ConcurrentHashMap<Long, Job> running = new ConcurrentHashMap<>();
    private final BlockingQueue<Frame> oneways;
    private final Thread worker;

    Inbox(Endpoint ep, Dispatch dispatch, RpcConfig config) {
        this.ep = ep;
        this.dispatch = dispatch;
        this.permits = new Semaphore(config.maxConcurrentRequests());
        this.oneways = new ArrayBlockingQueue<>(config.oneWayQueue());
        this.worker = Thread.ofVirtual().name("minbus-rpc-oneway " + ep.name()).unstarted(this::work);
    }

    /** Lets incoming messages through: the endpoint is registered. */
    void open() {
        worker.start();
        ready.countDown();
    }

    /** Starts handling a request (reader thread; blocks while too many run). */
    void request(Frame f) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Job job = new Job(f);
        job.thread = Thread.ofVirtual().name("minbus-rpc " + ep.name() + " " + f.cmd() + "#" + f.thread()).unstarted(() -> run(job));
        if (running.putIfAbsent(f.thread(), job) != null) {
            permits.release();
            ep.malformed(new MalformedMessageException(MalformedMessageException.Rule.THREAD_ID,
                    "thread " + f.thread() + " is already used by a request in progress; thread ids of requests must be unique"), FrameCodec.encode(f));
            return;
        }
        ep.outbox().expect();
        job.thread.start();
    }

    /** Handles or queues a one-way message (reader thread; blocks while the queue is full). */
    void oneway(Frame f) {
        try {
            switch (f.cmd()) {
                case Commands.CANCEL -> cancel(FrameCodec.decimalBody(f.body(), "the body of cmd.cancel"));
                case Commands.RELEASE -> ep.refs().release(FrameCodec.decimalBody(f.body(), "the body of cmd.release"));
                case Commands.ERROR -> {
                    Bodies.Error e = Bodies.error(f.body());
                    ep.warnAboutPeer("the peer reports an error: " + (e.type().isEmpty() ? "" : e.type() + ": ") + e.message(), null);
                }
                default -> oneways.put(f);
            }
        } catch (MalformedMessageException e) {
            ep.malformed(e, FrameCodec.encode(f));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Interrupts the handler of a request the peer cancelled; it will not be answered. */
    private void cancel(long thread) {
        Job job = running.get(thread);
        if (job != null) {
            job.cancelled = true;
            job.thread.interrupt();
        }
    }

    /** Stops the worker and interrupts every handler. */
    void close() {
        worker.interrupt();
        for (Job job : running.values()) {
            job.thread.interrupt();
        }
    }

    private void run(Job job) {
        try {
            ready.await();
            dispatch.answer(job);
        } catch (InterruptedException e) {
            Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": " + job.frame + " was cancelled before it started");
        } finally {
            if (!job.sent) {
                ep.outbox().unexpect();
            }
            running.remove(job.frame.thread(), job);
            permits.release();
        }
    }

    private void work() {
        try {
            ready.await();
            while (true) {
                dispatch.handleOneway(oneways.take());
                Thread.interrupted(); // a handler's stray interrupt must not stop the worker
                if (!ep.isOpen()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": one-way worker stopped");
        }
    }
}
