package io.minbus.rpc.internal;

import io.minbus.rpc.RpcTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** One outgoing call; cancelling it, or its timing out, cancels the request at the peer. */
final class Call extends CompletableFuture<byte[]> {

    private final PendingCalls calls;
    private final long thread;
    private final String cmd;
    /** True if completing it runs nothing but minbus-rpc's own bookkeeping (no caller's callbacks): it may complete on the channel's reader thread. */
    private final boolean plain;
    private volatile ScheduledFuture<?> timer;
    /**
     * 0: no thread waits; 1: a thread waits in {@link PendingCalls#await}; 2: the response woke it and
     * the outbox counts it ({@link Outbox#expect()}) until it returns.
     */
    final AtomicInteger waiter = new AtomicInteger();

    Call(PendingCalls calls, long thread, String cmd, boolean plain) {
        this.calls = calls;
        this.thread = thread;
        this.cmd = cmd;
        this.plain = plain;
        whenComplete((result, failure) -> {
            calls.forget(this);
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        });
    }

    long thread() {
        return thread;
    }

    String cmd() {
        return cmd;
    }

    boolean plain() {
        return plain;
    }

    void timer(ScheduledFuture<?> t) {
        this.timer = t;
        if (isDone()) {
            t.cancel(false);
        }
    }

    void timeOut(Duration after, String endpoint) {
        if (completeExceptionally(new RpcTimeoutException("call '" + cmd + "' on " + endpoint + " got no response within " + after
                + "; it was cancelled at the peer (raise the timeout if the peer is just slow)"))) {
            calls.cancelAtPeer(this);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            calls.cancelAtPeer(this);
        }
        return cancelled;
    }

    @Override
    public String toString() {
        return "Call[" + cmd + "#" + thread + (isDone() ? ", done" : "") + "]";
    }
}
