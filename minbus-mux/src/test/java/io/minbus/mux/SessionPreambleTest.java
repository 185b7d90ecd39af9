package io.minbus.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import io.minbus.wire.ProtocolViolationException;
import io.minbus.wire.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Session.start against peers that are not minbus 1. */
@Timeout(10)
class SessionPreambleTest {

    private static ProtocolViolationException startAgainst(byte[] peerBytes) {
        Transport[] t = Transports.inMemoryPair(4096);
        t[1].write(ByteBuffer.wrap(peerBytes));
        t[1].shutdownOutput();
        try {
            Session.start(t[0], SessionConfig.defaults()).close();
            throw new AssertionError("the session started");
        } catch (ProtocolViolationException e) {
            assertThat(t[0].isOpen()).as("the transport is closed").isFalse();
            return e;
        } finally {
            t[1].close();
        }
    }

    @Test
    void anHttpClientIsNamed() {
        ProtocolViolationException e = startAgainst("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(e.violation()).isEqualTo(Violation.PREAMBLE_MAGIC);
        assertThat(e.getMessage()).contains("\"GET / ");
    }

    @Test
    void aNewerProtocolIsReportedWithBothVersions() {
        ProtocolViolationException e = startAgainst(SpecSessionVectors.hex("6d 69 6e 62 75 73 02 02 f9 04 00 f9 04 00 00"));
        assertThat(e.violation()).isEqualTo(Violation.PREAMBLE_VERSION);
        assertThat(e.getMessage()).contains("minbus protocol 1 expected, peer speaks 2");
    }

    @Test
    void aCutOffPreambleIsTruncated() {
        assertThat(startAgainst(SpecSessionVectors.hex("6d 69 6e")).violation()).isEqualTo(Violation.TRUNCATED);
    }

    @Test
    void aSilentPeerInMemoryFailsAfterThePreambleTimeout() {
        Transport[] t = Transports.inMemoryPair(4096);
        try {
            assertSilentPeerTimesOut(t[0]);
        } finally {
            t[1].close();
        }
    }

    @Test
    void aSilentPeerOnATcpSocketFailsAfterThePreambleTimeout() throws Exception {
        try (var listener = SocketPairs.listen(new io.minbus.transport.BusAddress.Tcp("127.0.0.1", 0))) {
            Transport[] t = SocketPairs.connect(listener);
            try {
                assertSilentPeerTimesOut(t[0]);
            } finally {
                t[1].close();
            }
        }
    }

    /** The peer accepted the connection and says nothing: start() gives up after preambleTimeout. */
    private static void assertSilentPeerTimesOut(Transport ours) {
        SessionConfig config = SessionConfig.builder().preambleTimeout(java.time.Duration.ofMillis(200)).build();
        assertThatThrownBy(() -> Session.start(ours, config)).isInstanceOf(BrokenException.class)
                .hasMessageContaining("no preamble from")
                .hasMessageContaining("within 200 ms");
        assertThat(ours.isOpen()).as("the transport is closed").isFalse();
    }

    @Test
    void aViolationAfterThePreambleBreaksTheSessionWithTheRule() throws Exception {
        Transport[] t = Transports.inMemoryPair(4096);
        t[1].write(io.minbus.wire.Preamble.ours(io.minbus.wire.Limits.defaults()).encode());
        Session s = Session.start(t[0], SessionConfig.defaults());
        t[1].write(ByteBuffer.wrap(SpecSessionVectors.hex("70 09 00"))); // in-sink#9: UNKNOWN_ENTITY
        assertThatThrownBy(s::receive).isInstanceOf(BrokenException.class)
                .hasMessageContaining("UNKNOWN_ENTITY")
                .hasRootCauseInstanceOf(ProtocolViolationException.class);
        t[1].close();
    }
}
