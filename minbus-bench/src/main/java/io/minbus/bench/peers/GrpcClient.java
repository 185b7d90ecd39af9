package io.minbus.bench.peers;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.minbus.bench.harness.DriverCommand;
import io.minbus.bench.harness.LatencyHistogram;
import io.minbus.bench.harness.RoundResult;
import io.minbus.bench.harness.Workload;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * gRPC-java driver on one {@link ManagedChannel} (one HTTP/2 connection over a Unix socket, one
 * epoll event loop, callbacks on the event loop). Closed loops: {@code rtt N} keeps N unary calls
 * in flight (each reply starts the next call), {@code stream N} keeps N bidi streams each with one
 * message in flight, {@code bulk} sends {@code size}-byte messages on a client stream while
 * {@code isReady()} (gRPC's flow control), then half-closes and waits for the byte count.
 *
 * <p>Usage: {@code GrpcClient SOCKET} (then the driver protocol on stdin)
 */
public final class GrpcClient {

    private final ManagedChannel channel;
    private final EventLoopGroup eventLoop = GrpcBench.eventLoop();

    private GrpcClient(String path) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(path))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(eventLoop)
                .usePlaintext()
                .directExecutor()
                .build();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GrpcClient SOCKET");
            System.exit(2);
        }
        GrpcClient c = new GrpcClient(args[0]);
        DriverLoop.run(c::run);
        c.channel.shutdownNow();
        c.eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private RoundResult run(DriverCommand c) throws Exception {
        return switch (c.workload()) {
            case ROUND_TRIP, STREAM_ROUND_TRIP -> roundTrips(c);
            case BULK -> {
                DriverLoop.Deadlines d = DriverLoop.Deadlines.of(c);
                if (c.warmupMillis() > 0) {
                    bulk(c.size(), d.warmEnd());
                }
                long t0 = System.nanoTime();
                long bytes = bulk(c.size(), t0 + c.durationMillis() * 1_000_000);
                yield new RoundResult(bytes / c.size(), System.nanoTime() - t0, bytes, new LatencyHistogram());
            }
            default -> throw new IllegalArgumentException("unsupported workload " + c.workload());
        };
    }

    /** Shared by the lanes of one run; touched only on the event loop once the run started. */
    private static final class Run {
        final DriverLoop.Deadlines deadlines;
        final byte[] payload;
        final LatencyHistogram hist = new LatencyHistogram();
        final CountDownLatch done;
        final AtomicReference<Throwable> error = new AtomicReference<>();
        long count;
        long first = Long.MAX_VALUE;
        long last;

        Run(DriverCommand c) {
            deadlines = DriverLoop.Deadlines.of(c);
            payload = new byte[c.size()];
            done = new CountDownLatch(c.concurrency());
        }

        /** Records a reply to a message sent at {@code sentAt}; true if the lane should go on. */
        synchronized boolean replied(long sentAt) {
            long t = System.nanoTime();
            if (sentAt >= deadlines.warmEnd()) {
                hist.record(t - sentAt);
                count++;
                first = Math.min(first, sentAt);
                last = Math.max(last, t);
            }
            return t < deadlines.end();
        }

        void failed(Throwable t) {
            error.compareAndSet(null, t);
            done.countDown();
        }
    }

    private RoundResult roundTrips(DriverCommand c) throws Exception {
        Run run = new Run(c);
        boolean stream = c.workload() == Workload.STREAM_ROUND_TRIP;
        for (int i = 0; i < c.concurrency(); i++) {
            if (stream) {
                new StreamLane(run).start();
            } else {
                new UnaryLane(run).send();
            }
        }
        long waitMillis = c.warmupMillis() + c.durationMillis() + 30_000;
        if (!run.done.await(waitMillis, TimeUnit.MILLISECONDS)) {
            throw new IOException("calls still outstanding " + waitMillis + " ms after the start");
        }
        if (run.error.get() != null) {
            throw new IOException("call failed: " + run.error.get(), run.error.get());
        }
        synchronized (run) {
            return new RoundResult(run.count, run.count == 0 ? 0 : run.last - run.first, run.count * 2 * c.size(), run.hist);
        }
    }

    private final class UnaryLane implements StreamObserver<byte[]> {
        private final Run run;
        private long sentAt;
        private boolean again;

        UnaryLane(Run run) {
            this.run = run;
        }

        void send() {
            sentAt = System.nanoTime();
            ClientCalls.asyncUnaryCall(channel.newCall(GrpcBench.UNARY, CallOptions.DEFAULT), run.payload, this);
        }

        @Override
        public void onNext(byte[] value) {
            again = run.replied(sentAt);
        }

        @Override
        public void onError(Throwable t) {
            run.failed(t);
        }

        @Override
        public void onCompleted() {
            if (again) {
                send();
            } else {
                run.done.countDown();
            }
        }
    }

    private final class StreamLane implements StreamObserver<byte[]> {
        private final Run run;
        private StreamObserver<byte[]> requests;
        private long sentAt;

        StreamLane(Run run) {
            this.run = run;
        }

        void start() {
            requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(GrpcBench.STREAM, CallOptions.DEFAULT), this);
            sentAt = System.nanoTime();
            requests.onNext(run.payload);
        }

        @Override
        public void onNext(byte[] value) {
            if (run.replied(sentAt)) {
                sentAt = System.nanoTime();
                requests.onNext(run.payload);
            } else {
                requests.onCompleted();
            }
        }

        @Override
        public void onError(Throwable t) {
            run.failed(t);
        }

        @Override
        public void onCompleted() {
            run.done.countDown();
        }
    }

    /** One client-streaming call until {@code end}; returns the bytes the server confirmed. */
    private long bulk(int size, long end) throws Exception {
        byte[] chunk = new byte[size];
        CompletableFuture<Long> confirmed = new CompletableFuture<>();
        long[] sent = new long[1];
        ClientResponseObserver<byte[], byte[]> observer = new ClientResponseObserver<>() {
            private ClientCallStreamObserver<byte[]> requests;
            private boolean closed;

            @Override
            public void beforeStart(ClientCallStreamObserver<byte[]> r) {
                requests = r;
                r.setOnReadyHandler(this::pump);
            }

            private void pump() {
                while (!closed && requests.isReady()) {
                    if (System.nanoTime() >= end) {
                        closed = true;
                        requests.onCompleted();
                        return;
                    }
                    requests.onNext(chunk);
                    sent[0] += size;
                }
            }

            @Override
            public void onNext(byte[] value) {
                confirmed.complete(ByteBuffer.wrap(value).getLong());
            }

            @Override
            public void onError(Throwable t) {
                confirmed.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                confirmed.completeExceptionally(new IOException("no byte count from the server"));
            }
        };
        ClientCalls.asyncClientStreamingCall(channel.newCall(GrpcBench.SINK, CallOptions.DEFAULT), observer);
        long n = confirmed.get(end - System.nanoTime() + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS);
        if (n != sent[0]) {
            throw new IOException("server confirmed " + n + " of " + sent[0] + " bytes");
        }
        return n;
    }
}
