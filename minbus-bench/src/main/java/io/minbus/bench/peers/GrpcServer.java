package io.minbus.bench.peers;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * gRPC-java server on a Unix socket: grpc-netty with Netty's native epoll transport, one boss and
 * one worker event-loop thread, handlers run on the event loop ({@code directExecutor}, gRPC's
 * fastest setting for non-blocking handlers).
 *
 * <p>Usage: {@code GrpcServer SOCKET}
 */
public final class GrpcServer {

    private GrpcServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: GrpcServer SOCKET");
            System.exit(2);
        }
        Files.deleteIfExists(Path.of(args[0]));
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(args[0]))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(GrpcBench.eventLoop())
                .workerEventLoopGroup(GrpcBench.eventLoop())
                .directExecutor()
                .addService(GrpcBench.service())
                .build()
                .start();
        Sockets.ready();
        server.awaitTermination();
    }
}
