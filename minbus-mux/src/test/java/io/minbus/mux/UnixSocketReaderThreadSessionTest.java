package io.minbus.mux;

/** The conformance suite over a Unix domain socket read only by each session's reader thread (no leader/follower). */
class UnixSocketReaderThreadSessionTest extends UnixSocketSessionTest {
    @Override
    protected SessionConfig.ReadStrategy readStrategy() {
        return SessionConfig.ReadStrategy.READER_THREAD;
    }
}
