package io.minbus.mux;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;

/** The conformance suite over TCP on the loopback interface. */
class TcpSessionTest extends AbstractSessionConformanceTest {
    private TransportListener listener;

    @Override
    protected Transport[] connect() throws Exception {
        if (listener == null) {
            listener = SocketPairs.listen(new BusAddress.Tcp("127.0.0.1", 0));
        }
        return SocketPairs.connect(listener);
    }

    @Override
    protected void release() {
        if (listener != null) {
            listener.close();
        }
    }
}
