package io.minbus.it;

import io.minbus.protocol.Registration;
import io.minbus.server.MinBusServer;
import io.minbus.testkit.ScriptedPeer;
import io.minbus.wire.Chunk;
import io.minbus.wire.ChunkType;
import io.minbus.wire.Flags;
import io.minbus.wire.Violation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/minbus.md §12 over a real Unix socket, with a scripted raw peer: every unexpected entity gets
 * exactly the chunks the table lists, and the connection stays up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnexpectedMessagesTest {

    private static Chunk create(ChunkType type, long id, byte... opening) {
        return Chunk.payload(type, id, ByteBuffer.wrap(opening));
    }

    private static Chunk createWithCredit(ChunkType type, long id, long credit, byte... opening) {
        return new Chunk(type, id, Flags.PAYLOAD | Flags.CREDIT, ByteBuffer.wrap(opening), credit, Chunk.empty());
    }

    @Test
    void unexpectedEntitiesGetTheSpecsRepliesBeforeAndAfterRegistration() {
        try (MinBusServer server = MinBusServer.embedded();
                ScriptedPeer peer = ScriptedPeer.connect(server.addresses().getFirst())) {
            peer.violationCounter(() -> server.stats().violations());
            peer.expect("out-stream#0 credit(4096)")
                    .send("88 00 fa 01 00 00")                      // top-level credit 65536 for the result
                    // UNREGISTERED: everything but the registration is unexpected
                    .send(createWithCredit(ChunkType.OUT_REQUEST, 1, 65536))
                    .expect("in-request#1 end(0)")
                    .send(create(ChunkType.OUT_SINK, 2))
                    .expect("in-stream#2 end(0)")
                    .send(createWithCredit(ChunkType.OUT_STREAM, 3, 65536))
                    .expect("in-sink#3 end(0)")
                    .send(createWithCredit(ChunkType.DUPLEX, 4, 65536, (byte) 0, (byte) 2, (byte) 'k', (byte) 'v'))
                    .expectAnyOrder("in-sink#4 end(0)", "in-stream#4 end(0)")
                    // registration still works
                    .send(Chunk.payload(ChunkType.OUT_SINK, 0, Registration.named("scripted", 1).encode()))
                    .expectHex("50 00 01 00")
                    // CONNECTED: a further top-level message is ignored
                    .send(Chunk.payload(ChunkType.OUT_SINK, 0, ByteBuffer.wrap(new byte[] {7, 7, 7})))
                    .expectNothingFor(Duration.ofMillis(300))
                    // a request with an opening payload the bus does not know (01 is the keyed query, §18.6)
                    .send(createWithCredit(ChunkType.OUT_REQUEST, 5, 65536, (byte) 0x2a))
                    .expect("in-request#5 end(0)")
                    // any sink
                    .send(create(ChunkType.OUT_SINK, 6, (byte) 1))
                    .expect("in-stream#6 end(0)")
                    // a stream with a non-empty opening payload
                    .send(createWithCredit(ChunkType.OUT_STREAM, 7, 65536, (byte) 9))
                    .expect("in-sink#7 end(0)")
                    // a duplex starting with a byte other than 00, and an empty one
                    .send(createWithCredit(ChunkType.DUPLEX, 8, 65536, (byte) 1, (byte) 2, (byte) 'k', (byte) 'v'))
                    .expectAnyOrder("in-sink#8 end(0)", "in-stream#8 end(0)")
                    .send(createWithCredit(ChunkType.DUPLEX, 9, 65536))
                    .expectAnyOrder("in-sink#9 end(0)", "in-stream#9 end(0)")
                    // a second connection stream is closed with an empty payload, the first one lives on
                    .send(createWithCredit(ChunkType.OUT_STREAM, 10, 65536))
                    .expect("in-sink#10 payload(0)")                // the (empty) snapshot
                    .send(createWithCredit(ChunkType.OUT_STREAM, 11, 65536))
                    .expect("in-sink#11 end(0)")
                    // and the connection is still fine: a connection query answers (nobody else is registered)
                    .send(createWithCredit(ChunkType.OUT_REQUEST, 12, 65536))
                    .expect("in-request#12 payload(0)");
        }
    }

    @Test
    void aProtocolViolationClosesTheConnection() {
        try (MinBusServer server = MinBusServer.embedded();
                ScriptedPeer peer = ScriptedPeer.connect(server.addresses().getFirst())) {
            peer.violationCounter(() -> server.stats().violations())
                    .expect("out-stream#0 credit(4096)")
                    .send(Chunk.payload(ChunkType.OUT_SINK, 0, ByteBuffer.allocate(5000))) // beyond the 4096 credit
                    .expectViolation(Violation.CREDIT_EXCEEDED);
        }
    }
}
