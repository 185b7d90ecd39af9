package io.minbus.mux;

/** The conformance suite over TCP on loopback with its waiting tasks on platform threads (leader/follower reads). */
class TcpPlatformWaitersSessionTest extends TcpSessionTest {
    @Override
    protected boolean platformWaiters() {
        return true;
    }
}
