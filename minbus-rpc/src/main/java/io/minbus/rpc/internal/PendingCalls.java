package io.minbus.rpc.internal;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.RemoteException;
import io.minbus.rpc.RpcCancelledException;
import io.minbus.rpc.RpcException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outgoing calls of one endpoint waiting for their responses. Thread ids count up from 1 and
 * are never reused on a channel, so a late response (after a timeout or cancel) matches nothing
 * and is dropped (docs/rpc.md §3.1).
 */
final class PendingCalls {

    private final Endpoint ep;
    private final AtomicLong nextThread;
    private final ConcurrentHashMap<Long, Call> pending = new ConcurrentHashMap<>();
    private volatile String closedReason;

    PendingCalls(Endpoint ep, long firstThread) {
        this.ep = ep;
        this.nextThread = new AtomicLong(firstThread);
    }

    /**
     * Sends a request and returns its call; failures to send complete the call exceptionally.
     * {@code plain}: the caller adds no callbacks of its own to the call (it only waits for it), so
     * the response may complete it on the channel's reader thread ({@link #tryComplete}).
     */
    Call start(String cmd, byte[] body, Optional<Duration> timeout, boolean plain) {
        Call call = new Call(this, nextThread.getAndIncrement(), cmd, plain);
        pending.put(call.thread(), call);
        String reason = closedReason;
        if (reason != null) {
            call.completeExceptionally(closedException(call, reason));
            return call;
        }
        timeout.ifPresent(t -> call.timer(Timers.schedule(t, () -> call.timeOut(t, ep.name()))));
        try {
            ep.outbox().send(Frame.request(call.thread(), cmd, body));
        } catch (RpcCancelledException e) {
            call.cancel(true);
            throw e;
        } catch (RpcException e) {
            call.completeExceptionally(e);
        }
        return call;
    }

    /** Waits for a call; interrupting the waiting thread cancels it at the peer. */
    byte[] await(Call call) {
        call.waiter.compareAndSet(0, 1);
        try {
            return call.get();
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new RpcCancelledException("call '" + call.cmd() + "' was interrupted and cancelled at the peer");
        } catch (CancellationException e) {
            throw new RpcCancelledException("call '" + call.cmd() + "' was cancelled");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new RpcException("call '" + call.cmd() + "' failed: " + e.getCause(), e.getCause());
        } finally {
            if (call.waiter.getAndSet(0) == 2) {
                ep.outbox().unexpect(); // counted when the response woke us; what we send next is a new call
            }
        }
    }

    /**
     * Completes the call a response answers, or drops the response, if that runs no caller's code:
     * on the channel's own reader thread (docs/rpc.md §9), which must not block. Only a lone call is
     * completed there: with others in flight, their responses come in bursts, and the endpoint's
     * reader wakes their callers together, so that what they send next leaves in one flush. False
     * leaves the response to {@link #complete} on the endpoint's reader.
     */
    boolean tryComplete(Frame response) {
        Call call = pending.get(response.thread());
        if (call != null && (!call.plain() || pending.size() > 1)) {
            return false;
        }
        complete(response);
        return true;
    }

    /** Completes the call a response answers (on the reader thread). */
    void complete(Frame response) {
        Call call = pending.remove(response.thread());
        if (call == null) {
            Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": dropped " + response + ", no call waits for it (timed out or cancelled)");
            return;
        }
        if (call.waiter.compareAndSet(1, 2)) {
            ep.outbox().expect();
        }
        if (response.cmd().equals(Commands.ERROR)) {
            Bodies.Error e = Bodies.error(response.body());
            call.completeExceptionally(new RemoteException(call.cmd(), e.type(), e.message()));
        } else {
            call.complete(response.bodyBytes());
        }
    }

    /** Fails every waiting call, and every later one, because the channel closed. */
    void failAll(String reason) {
        closedReason = reason;
        for (Call call : pending.values()) {
            call.completeExceptionally(closedException(call, reason));
        }
    }

    /** Forgets a completed call. */
    void forget(Call call) {
        pending.remove(call.thread(), call);
    }

    /** Tells the peer to stop handling a call this side gave up on. */
    void cancelAtPeer(Call call) {
        if (closedReason == null) {
            ep.sendLater(Frame.oneway(Commands.CANCEL, Long.toString(call.thread())));
        }
    }

    private ChannelClosedException closedException(Call call, String reason) {
        return new ChannelClosedException(ep.name() + " closed (" + reason + ") before the response to '" + call.cmd()
                + "' arrived; the peer may or may not have run it");
    }
}
