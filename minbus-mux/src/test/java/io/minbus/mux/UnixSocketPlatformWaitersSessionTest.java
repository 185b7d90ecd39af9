package io.minbus.mux;

/**
 * The conformance suite over a Unix domain socket with its waiting tasks on platform threads, which
 * take the read role (leader/follower) where the default suite's virtual threads leave it to the
 * reader thread.
 */
class UnixSocketPlatformWaitersSessionTest extends UnixSocketSessionTest {
    @Override
    protected boolean platformWaiters() {
        return true;
    }
}
