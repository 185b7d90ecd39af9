package io.minbus.transport.internal;

import io.minbus.transport.PeerCredentials;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/** Reads {@code SO_PEERCRED} from a Unix domain socket. */
final class PeerCredentialsReader {

    private PeerCredentialsReader() {}

    static Optional<PeerCredentials> read(SocketChannel channel) {
        try {
            if (!(channel.getLocalAddress() instanceof UnixDomainSocketAddress)
                    || !channel.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
                return Optional.empty();
            }
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return Optional.of(new PeerCredentials(principal.user().getName(), principal.group().getName()));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
