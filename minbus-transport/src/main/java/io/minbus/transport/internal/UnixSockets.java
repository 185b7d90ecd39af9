package io.minbus.transport.internal;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportException;
import io.minbus.transport.internal.logging.LazyLogger;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Unix domain sockets: connecting with helpful messages, and listening safely: the parent
 * directory is created with mode 0700 if missing, a stale socket file (nobody answers on it) is
 * replaced, a live one is left alone.
 */
final class UnixSockets {

    private static final System.Logger LOG = LazyLogger.of("io.minbus.transport");
    private static final String START = "start one with `minbus serve`";

    private UnixSockets() {}

    static Transport connect(BusAddress.Unix address) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(address.path()));
            return new SocketTransport(channel, address.toString());
        } catch (IOException e) {
            Sockets.closeQuietly(channel);
            throw new TransportException("cannot connect to " + address + ": " + whyNotConnected(address.path(), e), e);
        }
    }

    private static String whyNotConnected(Path path, IOException e) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return "no such file (is a bus running? " + START + ")";
        }
        if (e instanceof ConnectException) {
            return "nobody listens on it; the socket file is stale (no bus is running? " + START + ")";
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("ermission denied")) {
            return message + " (the socket belongs to another user; connect to your own bus)";
        }
        return message;
    }

    static SocketListener listen(BusAddress.Unix address) {
        Path path = address.path();
        ServerSocketChannel channel = null;
        try {
            Directories.createPrivate(path.getParent());
            removeIfStale(address);
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(path));
            Object fileKey = fileKey(path);
            return new SocketListener(channel, address, () -> removeIfSame(path, fileKey));
        } catch (BindException e) {
            Sockets.closeQuietly(channel);
            throw inUse(address, e);
        } catch (IOException e) {
            Sockets.closeQuietly(channel);
            throw new TransportException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a socket file nobody answers on; throws if somebody does. */
    private static void removeIfStale(BusAddress.Unix address) throws IOException {
        Path path = address.path();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther()) {
            throw new TransportException("cannot listen on " + address + ": the path exists and is not a"
                    + " socket; remove it yourself or choose another address");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw inUse(address, null);
        } catch (ConnectException stale) {
            Files.deleteIfExists(path);
            LOG.log(System.Logger.Level.INFO, "removed stale socket file {0} (nobody listened on it)", path);
        }
    }

    private static TransportException inUse(BusAddress.Unix address, IOException cause) {
        String message = "address in use: another bus listens on " + address
                + " (stop it, or choose another address)";
        return cause == null ? new TransportException(message) : new TransportException(message, cause);
    }

    private static Object fileKey(Path path) throws IOException {
        return Objects.requireNonNullElse(
                Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(), path);
    }

    /** Removes the socket file unless another listener has replaced it since. */
    private static void removeIfSame(Path path, Object fileKey) {
        try {
            if (fileKey(path).equals(fileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove socket file {0}: {1}", path, e.toString());
        }
    }
}
