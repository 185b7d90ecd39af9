package io.minbus.identity;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.identity.internal.BoxDecoder;
import io.minbus.identity.internal.BoxEncoder;
import io.minbus.identity.internal.BoxStream;
import io.minbus.identity.internal.ShsResult;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link SecureTransport} against a raw peer that sees and makes ciphertext by hand: how writes
 * become boxes, and how tampering and truncation are caught.
 */
@Timeout(30)
class BoxStreamTransportTest {

    private Random random;
    private byte[] keyAtoB;
    private byte[] nonceAtoB;
    private byte[] keyBtoA;
    private byte[] nonceBtoA;
    private SecureTransport secure;
    private Transport raw;

    @BeforeEach
    void setUp(TestInfo test) {
        random = new Random(TestKeys.seed(test.getDisplayName()));
        keyAtoB = ScriptedPeer.random(random, 32);
        nonceAtoB = ScriptedPeer.random(random, 24);
        keyBtoA = ScriptedPeer.random(random, 32);
        nonceBtoA = ScriptedPeer.random(random, 24);
        Keys peer = TestKeys.keys(random);
        Transport[] pair = Transports.inMemoryPair(256 * 1024);
        HandshakeOutcome outcome = new HandshakeOutcome(TestKeys.keys(random).identity(),
                new ShsResult(peer.identity().bytes(), keyAtoB, nonceAtoB, keyBtoA, nonceBtoA));
        secure = SecureTransport.wrap(pair[0], outcome);
        raw = pair[1];
    }

    @AfterEach
    void tearDown() {
        secure.close();
        raw.close();
    }

    /** Decodes everything {@code secure} wrote; the sizes of the boxes, and -1 for the goodbye. */
    private List<Integer> boxesOnTheWire() {
        BoxDecoder decoder = new BoxDecoder(keyAtoB, nonceAtoB, "raw");
        ByteBuffer in = ByteBuffer.allocate(1024 * 1024).flip();
        List<Integer> boxes = new ArrayList<>();
        while (true) {
            int result = decoder.decode(in);
            if (result == BoxDecoder.END) {
                boxes.add(-1);
                return boxes;
            }
            if (result >= 0) {
                boxes.add(result);
                continue;
            }
            in.compact();
            int n = raw.read(in);
            in.flip();
            if (n < 0) {
                return boxes;
            }
        }
    }

    @Test
    void gatheringWritesArePackedIntoBoxesOfAtMost4096Bytes() {
        secure.write(ByteBuffer.allocate(9), ByteBuffer.allocate(100));
        secure.write(ByteBuffer.allocate(4096));
        secure.write(ByteBuffer.allocate(5000), ByteBuffer.allocate(3000), ByteBuffer.allocate(1));
        secure.shutdownOutput();

        assertThat(boxesOnTheWire()).containsExactly(109, 4096, 4096, 3905, -1);
    }

    @Test
    void whatTheRawPeerBoxesIsRead() {
        BoxEncoder encoder = new BoxEncoder(keyBtoA, nonceBtoA);
        byte[] out = new byte[3 * BoxStream.MAX_BOX_BYTES];
        int n = encoder.seal("hello ".getBytes(UTF_8), 0, 6, out, 0);
        n += encoder.seal("world".getBytes(UTF_8), 0, 5, out, n);
        n += encoder.goodbye(out, n);
        raw.write(ByteBuffer.wrap(out, 0, n));

        assertThat(StreamCheck.readExactly(secure, 11)).asString(UTF_8).isEqualTo("hello world");
        assertThat(secure.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    }

    @Test
    void aTamperedBoxFailsTheReadAndClosesTheConnection() {
        BoxEncoder encoder = new BoxEncoder(keyBtoA, nonceBtoA);
        byte[] out = new byte[2 * BoxStream.MAX_BOX_BYTES];
        int n = encoder.seal("good".getBytes(UTF_8), 0, 4, out, 0);
        int second = n;
        n += encoder.seal("evil".getBytes(UTF_8), 0, 4, out, n);
        out[second + BoxStream.HEADER_BYTES + 1] ^= 0x04; // a body byte of the second box
        raw.write(ByteBuffer.wrap(out, 0, n));

        assertThat(StreamCheck.readExactly(secure, 4)).asString(UTF_8).isEqualTo("good");
        assertThatThrownBy(() -> secure.read(ByteBuffer.allocate(16)))
                .isInstanceOf(BoxStreamException.class)
                .hasMessageContaining("body 1")
                .hasMessageContaining("does not authenticate")
                .hasMessageContaining(secure.description());
        assertThat(secure.isOpen()).isFalse();
        assertThatThrownBy(() -> secure.read(ByteBuffer.allocate(16))).as("and stays failed")
                .isInstanceOf(BoxStreamException.class);
        assertThat(raw.read(ByteBuffer.allocate(16))).as("connection closed").isEqualTo(-1);
    }

    @Test
    void aConnectionEndingWithoutTheGoodbyeIsAnError() {
        BoxEncoder encoder = new BoxEncoder(keyBtoA, nonceBtoA);
        byte[] out = new byte[BoxStream.MAX_BOX_BYTES];
        int n = encoder.seal("cut sh".getBytes(UTF_8), 0, 6, out, 0);
        raw.write(ByteBuffer.wrap(out, 0, n));
        raw.shutdownOutput();

        assertThat(StreamCheck.readExactly(secure, 6)).asString(UTF_8).isEqualTo("cut sh");
        assertThatThrownBy(() -> secure.read(ByteBuffer.allocate(16)))
                .isInstanceOf(BoxStreamException.class)
                .hasMessageContaining("without the box-stream goodbye");
    }

    @Test
    void aConnectionEndingInsideABoxIsAnError() {
        BoxEncoder encoder = new BoxEncoder(keyBtoA, nonceBtoA);
        byte[] out = new byte[BoxStream.MAX_BOX_BYTES];
        int n = encoder.seal(new byte[100], 0, 100, out, 0);
        raw.write(ByteBuffer.wrap(out, 0, n - 1));
        raw.shutdownOutput();

        assertThatThrownBy(() -> secure.read(ByteBuffer.allocate(16)))
                .isInstanceOf(BoxStreamException.class)
                .hasMessageContaining("without the box-stream goodbye");
    }

    @Test
    void bytesFromAnotherSessionAreRejected() {
        BoxEncoder stranger = new BoxEncoder(ScriptedPeer.random(random, 32), nonceBtoA);
        byte[] out = new byte[BoxStream.MAX_BOX_BYTES];
        int n = stranger.seal("hi".getBytes(UTF_8), 0, 2, out, 0);
        raw.write(ByteBuffer.wrap(out, 0, n));

        assertThatThrownBy(() -> secure.read(ByteBuffer.allocate(16)))
                .isInstanceOf(BoxStreamException.class)
                .hasMessageContaining("header 0");
    }

    @Test
    void aReplayedBoxIsRejected() {
        BoxEncoder encoder = new BoxEncoder(keyBtoA, nonceBtoA);
        byte[] out = new byte[BoxStream.MAX_BOX_BYTES];
        int n = encoder.seal("once".getBytes(UTF_8), 0, 4, out, 0);
        raw.write(ByteBuffer.wrap(out, 0, n), ByteBuffer.wrap(out, 0, n));

        assertThat(StreamCheck.readExactly(secure, 4)).asString(UTF_8).isEqualTo("once");
        assertThatThrownBy(() -> secure.read(ByteBuffer.allocate(16))).isInstanceOf(BoxStreamException.class);
    }

    @Test
    void closeSendsTheGoodbyeOnce() {
        secure.write(ByteBuffer.wrap("bye".getBytes(UTF_8)));
        secure.close();
        secure.close();

        assertThat(boxesOnTheWire()).containsExactly(3, -1);
    }
}
