package io.minbus.mux;

import io.minbus.transport.Transport;
import io.minbus.transport.Transports;

/** The conformance suite over an in-memory pair with 4 KiB buffers. */
class MemorySessionTest extends AbstractSessionConformanceTest {
    @Override
    protected Transport[] connect() {
        return Transports.inMemoryPair(4096);
    }
}
