package io.minbus.bench.peers;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The gRPC service of the comparison, without protoc: hand-written method descriptors with a
 * {@code byte[]} marshaller (whose stream is {@link KnownLength} and {@link Drainable}, the fast path
 * protobuf's own marshaller takes), so gRPC is measured without any serialization cost.
 *
 * <ul>
 *   <li>{@code Unary}: returns the request;</li>
 *   <li>{@code Stream}: bidi, echoes every message;</li>
 *   <li>{@code Sink}: client streaming, answers with the 8-byte count of bytes received.</li>
 * </ul>
 */
final class GrpcBench {

    static final String SERVICE = "minbus.bench.Echo";

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new BytesStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read a message", e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> UNARY = method(MethodDescriptor.MethodType.UNARY, "Unary");
    static final MethodDescriptor<byte[], byte[]> STREAM = method(MethodDescriptor.MethodType.BIDI_STREAMING, "Stream");
    static final MethodDescriptor<byte[], byte[]> SINK = method(MethodDescriptor.MethodType.CLIENT_STREAMING, "Sink");

    private GrpcBench() {
    }

    private static MethodDescriptor<byte[], byte[]> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    /** One epoll event loop thread. */
    static EventLoopGroup eventLoop() {
        return new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    static ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncBidiStreamingCall(response -> new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] value) {
                        response.onNext(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        // the client cancelled: nothing to clean up
                    }

                    @Override
                    public void onCompleted() {
                        response.onCompleted();
                    }
                }))
                .addMethod(SINK, ServerCalls.asyncClientStreamingCall(response -> new StreamObserver<byte[]>() {
                    private long bytes;

                    @Override
                    public void onNext(byte[] value) {
                        bytes += value.length;
                    }

                    @Override
                    public void onError(Throwable t) {
                        // the client cancelled
                    }

                    @Override
                    public void onCompleted() {
                        response.onNext(ByteBuffer.allocate(8).putLong(0, bytes).array());
                        response.onCompleted();
                    }
                }))
                .build();
    }

    /** A message as gRPC's fast path wants it: length known, drained straight into the frame. */
    private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
        BytesStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
