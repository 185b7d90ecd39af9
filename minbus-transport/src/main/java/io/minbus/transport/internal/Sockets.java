package io.minbus.transport.internal;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;

/** Connecting and listening for TCP, and what Unix and TCP share. */
public final class Sockets {

    private Sockets() {}

    /**
     * Connects to a Unix or TCP bus address. With {@code instanceof}, not a pattern switch: the first
     * pattern switch of a JVM spins a class with the class-file API, 5-15 ms of a plugin's start
     * (docs/benchmarks.md).
     */
    public static Transport connect(BusAddress address) {
        if (address instanceof BusAddress.Unix unix) {
            return UnixSockets.connect(unix);
        }
        return connectTcp((BusAddress.Tcp) address);
    }

    /** Listens on a Unix or TCP bus address. */
    public static SocketListener listen(BusAddress address) {
        return switch (address) {
            case BusAddress.Unix unix -> UnixSockets.listen(unix);
            case BusAddress.Tcp tcp -> listenTcp(tcp);
        };
    }

    private static Transport connectTcp(BusAddress.Tcp address) {
        refuseHandshake(address);
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(new InetSocketAddress(address.host(), address.port()));
            return new SocketTransport(channel, address.toString());
        } catch (UnresolvedAddressException e) {
            closeQuietly(channel);
            throw new TransportException("cannot connect to " + address + ": unknown host " + address.host()
                    + " (check the spelling, or use an IP address)");
        } catch (ConnectException e) {
            closeQuietly(channel);
            throw new TransportException("cannot connect to " + address + ": " + e.getMessage()
                    + " (is a bus listening there? start one with `minbus serve`)", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new TransportException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
    }

    private static SocketListener listenTcp(BusAddress.Tcp address) {
        refuseHandshake(address);
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(address.host(), address.port()));
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            return new SocketListener(channel, address.withPort(port), () -> {});
        } catch (UnresolvedAddressException e) {
            closeQuietly(channel);
            throw new TransportException("cannot listen on " + address + ": unknown host " + address.host());
        } catch (IOException e) {
            closeQuietly(channel);
            String hint = e instanceof java.net.BindException ? " (is another program using that port?)" : "";
            throw new TransportException("cannot listen on " + address + ": " + e.getMessage() + hint, e);
        }
    }

    private static void refuseHandshake(BusAddress.Tcp address) {
        if (address.shsKey().isPresent()) {
            throw new TransportException(address + ": secret handshake not supported yet;"
                    + " use the address without its ~shs suffix on a trusted network");
        }
    }

    /** Wraps a channel some server accepted itself. */
    public static Transport wrap(SocketChannel channel, String description) {
        return new SocketTransport(channel, description);
    }

    /** Wraps a channel accepted on {@code listening}, describing it by the peer for TCP. */
    static Transport wrapAccepted(SocketChannel channel, BusAddress listening) throws IOException {
        SocketAddress remote = channel.getRemoteAddress();
        if (remote instanceof InetSocketAddress inet) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new SocketTransport(channel, describe(inet));
        }
        if (remote instanceof UnixDomainSocketAddress named && !named.getPath().toString().isEmpty()) {
            return new SocketTransport(channel, "unix:" + named.getPath());
        }
        return new SocketTransport(channel, listening.toString());
    }

    /** {@code net:HOST:PORT} of a resolved socket address. */
    static String describe(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return new BusAddress.Tcp(host, address.getPort()).toString();
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do about it
            }
        }
    }
}
