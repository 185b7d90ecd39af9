package io.minbus.mux;

import io.minbus.transport.BusAddress;
import io.minbus.transport.Transport;
import io.minbus.transport.TransportListener;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite over a Unix domain socket in a temporary directory. */
class UnixSocketSessionTest extends AbstractSessionConformanceTest {
    @TempDir
    Path dir;

    private TransportListener listener;

    @Override
    protected Transport[] connect() throws Exception {
        if (listener == null) {
            listener = SocketPairs.listen(new BusAddress.Unix(dir.resolve("bus.sock")));
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
