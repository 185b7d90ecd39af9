package io.minbus.rpc.internal;

import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.MessageChannel;
import io.minbus.rpc.RemoteException;
import io.minbus.rpc.RpcException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** The first exchange on every channel (docs/rpc.md §4): one request of thread 1, one answer. */
final class Handshake {

    private Handshake() {}

    /** Waits for the first message of a channel; the channel is closed if none comes in time. */
    static Optional<ByteBuffer> first(MessageChannel ch, Duration timeout) {
        ScheduledFuture<?> timer = Timers.schedule(timeout, ch::close);
        try {
            return ch.receive();
        } finally {
            timer.cancel(false);
        }
    }

    /**
     * Sends {@code cmd} as request 1 and returns the answer.
     *
     * @throws RemoteException if the peer answered {@code cmd.error} (the channel is then closed)
     * @throws ChannelClosedException if the channel closed or no answer came in time
     */
    static Frame exchange(MessageChannel ch, String cmd, byte[] body, Duration timeout) {
        ch.send(FrameCodec.encode(Frame.request(1, cmd, body)));
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> timer = Timers.schedule(timeout, () -> {
            late.set(true);
            ch.close();
        });
        Optional<ByteBuffer> answer;
        try {
            answer = ch.receive();
        } finally {
            timer.cancel(false);
        }
        if (answer.isEmpty()) {
            throw new ChannelClosedException(late.get()
                    ? "no answer to " + cmd + " within " + timeout + "; is a minbus-rpc node at the other end of the channel?"
                    : "the peer closed the channel without answering " + cmd + "; is a minbus-rpc node at the other end?");
        }
        Frame f;
        try {
            f = FrameCodec.decode(answer.get());
        } catch (MalformedMessageException e) {
            ch.close();
            throw new RpcException("the answer to " + cmd + " is not a minbus-rpc message: " + e.getMessage(), e);
        }
        if (f.direction() != Direction.RESPONSE || f.thread() != 1) {
            ch.close();
            throw new RpcException("the peer answered " + cmd + " with '" + f + "' instead of a response of thread 1 (docs/rpc.md §4)");
        }
        if (f.cmd().equals(Commands.ERROR)) {
            ch.close();
            Bodies.Error e = Bodies.error(f.body());
            throw new RemoteException(cmd, e.type(), e.message());
        }
        return f;
    }

    /** Answers the first request of a channel. */
    static void answer(MessageChannel ch, long thread, String cmd, byte[] body) {
        ch.send(FrameCodec.encode(Frame.response(thread, cmd, body)));
    }

    /**
     * Refuses a channel: answers {@code cmd.error} if there is a request to answer, otherwise
     * reports with a one-way {@code cmd.error}, then closes the channel.
     */
    static void refuse(MessageChannel ch, long thread, String type, String message) {
        Endpoint.LOG.log(System.Logger.Level.DEBUG, "refusing a channel: {0}", message);
        try {
            ch.send(FrameCodec.encode(thread > 0
                    ? Frame.response(thread, Commands.ERROR, Bodies.error(type, message))
                    : Frame.oneway(Commands.ERROR, Bodies.error(type, message))));
        } catch (RpcException e) {
            Endpoint.LOG.log(System.Logger.Level.DEBUG, "could not send the refusal: {0}", e.getMessage());
        } finally {
            ch.close();
        }
    }
}
