package io.minbus.identity;

import io.minbus.transport.Transport;
import io.minbus.transport.Transports;

/** {@link SecureTransport} over an in-memory pair with a small buffer (writes block often). */
class SecureMemoryTransportTest extends AbstractSecureTransportTest {

    @Override
    protected Transport[] connectRaw() {
        return Transports.inMemoryPair(1500);
    }
}
