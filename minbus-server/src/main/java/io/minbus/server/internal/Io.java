package io.minbus.server.internal;

import io.minbus.identity.Identity;
import io.minbus.transport.BusAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;

/**
 * The non-blocking byte stream under one server connection, registered with its loop's selector: a
 * socket (Unix or TCP, one key for both directions) or, for in-process connections, a pair of NIO
 * pipes (one key per direction). Every method runs on the owning loop.
 */
abstract sealed class Io permits Io.SocketIo, Io.PipeIo {

    abstract int read(ByteBuffer dst) throws IOException;

    abstract int write(ByteBuffer src) throws IOException;

    /** Registers with the selector, reading; the keys carry {@code conn}. */
    abstract void register(Selector selector, Conn conn) throws IOException;

    /** Sets what the selector watches for. */
    abstract void interest(boolean read, boolean write);

    /** Ends our direction (the peer reads end of stream) and keeps reading possible. */
    abstract void shutdownOutput() throws IOException;

    /** Closes both directions; idempotent. */
    abstract void close();

    /** For logs: {@code unix:/path}, {@code net:127.0.0.1:40123}, {@code memory:7}. */
    abstract String description();

    /** The peer's Unix user as the kernel reports it ({@code SO_PEERCRED}); empty for other kinds. */
    Optional<String> unixUser() {
        return Optional.empty();
    }

    /** The key the peer proved with the secret handshake; empty if there was none. */
    Optional<Identity> provenKey() {
        return Optional.empty();
    }

    static Io socket(SocketChannel channel, String listening) throws IOException {
        channel.configureBlocking(false);
        SocketAddress remote = channel.getRemoteAddress();
        String description = listening;
        Optional<String> user = Optional.empty();
        if (remote instanceof InetSocketAddress inet) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            description = new BusAddress.Tcp(inet.getAddress().getHostAddress(), inet.getPort()).toString();
        } else if (channel.getLocalAddress() instanceof UnixDomainSocketAddress) {
            user = peerUser(channel);
        }
        return new SocketIo(channel, description, user);
    }

    private static Optional<String> peerUser(SocketChannel channel) {
        try {
            if (channel.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
                return Optional.of(channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName());
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the platform cannot tell: the connection then counts on its own (§14)
        }
        return Optional.empty();
    }

    /** A socket: one channel, one key. */
    static final class SocketIo extends Io {
        private final SocketChannel channel;
        private final String description;
        private final Optional<String> user;
        private SelectionKey key;

        SocketIo(SocketChannel channel, String description, Optional<String> user) {
            this.channel = channel;
            this.description = description;
            this.user = user;
        }

        @Override
        int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        void register(Selector selector, Conn conn) throws IOException {
            key = channel.register(selector, SelectionKey.OP_READ, conn);
        }

        @Override
        void interest(boolean read, boolean write) {
            if (key != null && key.isValid()) {
                key.interestOps((read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0));
            }
        }

        @Override
        void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        @Override
        void close() {
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException e) {
                // closing: nothing left to do
            }
        }

        @Override
        String description() {
            return description;
        }

        @Override
        Optional<String> unixUser() {
            return user;
        }
    }

    /** Two pipes of this process: the server reads one and writes the other. */
    static final class PipeIo extends Io {
        private final Pipe.SourceChannel in;
        private final Pipe.SinkChannel out;
        private final String description;
        private final Optional<Identity> proven;
        private SelectionKey inKey;
        private SelectionKey outKey;

        PipeIo(Pipe.SourceChannel in, Pipe.SinkChannel out, String description) throws IOException {
            this(in, out, description, Optional.empty());
        }

        /** @param proven the key the peer proved (a secured connection pumped through these pipes) */
        PipeIo(Pipe.SourceChannel in, Pipe.SinkChannel out, String description, Optional<Identity> proven)
                throws IOException {
            this.proven = proven;
            this.in = in;
            this.out = out;
            this.description = description;
            in.configureBlocking(false);
            out.configureBlocking(false);
        }

        @Override
        int read(ByteBuffer dst) throws IOException {
            return in.read(dst);
        }

        @Override
        int write(ByteBuffer src) throws IOException {
            return out.write(src);
        }

        @Override
        void register(Selector selector, Conn conn) throws IOException {
            inKey = in.register(selector, SelectionKey.OP_READ, conn);
            outKey = out.register(selector, 0, conn);
        }

        @Override
        void interest(boolean read, boolean write) {
            if (inKey != null && inKey.isValid()) {
                inKey.interestOps(read ? SelectionKey.OP_READ : 0);
            }
            if (outKey != null && outKey.isValid()) {
                outKey.interestOps(write ? SelectionKey.OP_WRITE : 0);
            }
        }

        @Override
        void shutdownOutput() throws IOException {
            if (outKey != null) {
                outKey.cancel();
            }
            out.close();
        }

        @Override
        void close() {
            for (SelectionKey k : new SelectionKey[] {inKey, outKey}) {
                if (k != null) {
                    k.cancel();
                }
            }
            try {
                in.close();
            } catch (IOException e) {
                // closing: nothing left to do
            }
            try {
                out.close();
            } catch (IOException e) {
                // closing: nothing left to do
            }
        }

        @Override
        String description() {
            return description;
        }

        @Override
        Optional<Identity> provenKey() {
            return proven;
        }
    }
}
