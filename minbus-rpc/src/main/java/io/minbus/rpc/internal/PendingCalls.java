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

    /** Sends a request and returns its call; failures to send complete the call exceptionally. */
    Call start(String cmd, byte[] body, Optional<Duration> timeout) {
        Call call = new Call(this, nextThread.getAndIncrement(), cmd);
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
