package io.minbus.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.minbus.rpc.internal.Frame;
import io.minbus.rpc.internal.FrameCodec;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A scripted peer speaking raw messages over an in-memory channel; it drains what it receives. */
final class RawPeer implements AutoCloseable {

    final MemoryChannel channel;
    private final LinkedBlockingQueue<Optional<Frame>> received = new LinkedBlockingQueue<>();

    RawPeer(MemoryChannel channel) {
        this.channel = channel;
        Thread.ofVirtual().name("raw-peer").start(() -> {
            while (true) {
                Optional<ByteBuffer> m;
                try {
                    m = channel.receive();
                } catch (RpcException e) {
                    m = Optional.empty();
                }
                received.add(m.map(FrameCodec::decode));
                if (m.isEmpty()) {
                    return;
                }
            }
        });
    }

    void send(Frame f) {
        channel.send(FrameCodec.encode(f));
    }

    void sendRaw(byte[] bytes) {
        channel.send(ByteBuffer.wrap(bytes));
    }

    /** The next received frame that matches, skipping others; fails after 5 s or at the end. */
    Frame next(Predicate<Frame> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Optional<Frame> f = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new AssertionError("no matching message within 5 s");
            }
            if (f.isEmpty()) {
                throw new AssertionError("the channel closed before a matching message arrived");
            }
            if (wanted.test(f.get())) {
                return f.get();
            }
        }
    }

    /** Opens a session on a node; returns the token. */
    String open(String instance) throws InterruptedException {
        send(Frame.request(1, "cmd.open", (instance + "\0json\0").getBytes(UTF_8)));
        return next(f -> f.thread() == 1).bodyText();
    }

    @Override
    public void close() {
        channel.close();
    }
}
