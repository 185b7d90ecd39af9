package io.minbus.rpc.internal;

import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RpcException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream passed to the peer. It is attached to at most one extra channel (docs/rpc.md §7); the
 * exporter then pumps the stream over it on a virtual thread. A stream argument that was never
 * attached is dropped when its call completes; a stream result when the peer releases it.
 */
abstract class StreamExport implements Export {

    final Endpoint ep;
    final long ref;
    private final boolean owned;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile MessageChannel channel;

    StreamExport(Endpoint ep, long ref, boolean owned) {
        this.ep = ep;
        this.ref = ref;
        this.owned = owned;
    }

    /** Moves the data between the user's stream and the channel; returns when done. */
    abstract void pump(MessageChannel ch);

    /** Closes the user's stream (only called for owned streams). */
    abstract void closeStream() throws IOException;

    /** Claims the single channel this stream may have; false if it has one or was dropped. */
    final boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /** Starts pumping over a claimed channel. */
    final void serve(MessageChannel ch) {
        channel = ch;
        if (stopped) {
            ch.close();
            attachFailed();
            return;
        }
        Thread.ofVirtual().name("minbus-rpc-stream " + ep.name() + " ref " + ref).start(() -> {
            try {
                pump(ch);
            } catch (RuntimeException e) {
                Endpoint.LOG.log(Level.WARNING, "minbus-rpc " + ep.name() + ": stream ref " + ref + " failed", e);
            } finally {
                ch.close();
                attachFailed();
            }
        });
    }

    /** Drops a claimed stream whose channel is gone or never came. */
    final void attachFailed() {
        ep.refs().remove(ref, this);
        finish();
    }

    /** The call this stream was an argument of has completed. */
    final void callDone() {
        if (claim()) {
            attachFailed();
        }
    }

    @Override
    public final void released() {
        stopped = true;
        if (claim()) {
            finish();
        } else {
            MessageChannel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }
    }

    /** Closes the user's stream once, if this side owns it (it was a result). */
    final void finish() {
        try {
            finishStrict();
        } catch (IOException e) {
            Endpoint.LOG.log(Level.DEBUG, () -> ep.name() + ": closing the stream of ref " + ref + " failed: " + e);
        }
    }

    /** Like {@link #finish()}, but reports a failure to close. */
    final void finishStrict() throws IOException {
        if (owned && finished.compareAndSet(false, true)) {
            closeStream();
        }
    }

    /** Sends a frame on the stream channel if it can; a closed channel is no news at this point. */
    static void trySend(MessageChannel ch, Frame f) {
        try {
            ch.send(FrameCodec.encode(f));
        } catch (RpcException e) {
            Endpoint.LOG.log(Level.DEBUG, () -> "could not send " + f + " on a stream channel: " + e.getMessage());
        }
    }
}
