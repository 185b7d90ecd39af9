package io.minbus.identity;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;
import io.minbus.transport.Transports;
import java.util.concurrent.CompletableFuture;

/** {@link SecureTransport} over TCP on the loopback interface. */
class SecureTcpTransportTest extends AbstractSecureTransportTest {

    private TransportListener listener;

    @Override
    protected Transport[] connectRaw() {
        listener = Transports.listen(BusAddress.parse("net:127.0.0.1:0"));
        CompletableFuture<Transport> accepted = CompletableFuture.supplyAsync(listener::accept, executor);
        Transport client = Transports.connect(listener.address());
        return new Transport[] {client, accepted.join()};
    }

    @Override
    protected void release() {
        listener.close();
    }
}
