package io.minbus.mux;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;
import io.minbus.transport.Transports;
import java.util.concurrent.CompletableFuture;

/** Connected socket transports through a real listener. */
final class SocketPairs {
    private SocketPairs() {}

    static Transport[] connect(TransportListener listener) throws Exception {
        CompletableFuture<Transport> accepted = CompletableFuture.supplyAsync(listener::accept);
        Transport client = Transports.connect(listener.address());
        return new Transport[] {client, accepted.get()};
    }

    static TransportListener listen(BusAddress address) {
        return Transports.listen(address);
    }
}
