package io.minbus.identity.internal;

import static io.minbus.identity.internal.PrimitivesTest.hex;
import static io.minbus.identity.internal.PrimitivesTest.seq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.identity.BoxStreamException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link BoxEncoder} and {@link BoxDecoder}, without I/O. */
class BoxStreamCodecTest {

    private static final byte[] KEY = seq(32, 100);
    /** Ends in 0xff bytes, so the first increments carry through the whole nonce. */
    private static final byte[] NONCE = hex("07ffffffffffffffffffffffffffffffffffffffffffffff");

    /** Boxes of 5, 4096 and 904 bytes and a goodbye, as npm pull-box-stream makes them. */
    private static byte[] encodeReference() {
        BoxEncoder encoder = new BoxEncoder(KEY, NONCE);
        byte[] big = seq(5000, 0);
        byte[] out = new byte[5141];
        int n = encoder.seal("hello".getBytes(StandardCharsets.US_ASCII), 0, 5, out, 0);
        n += encoder.seal(big, 0, 4096, out, n);
        n += encoder.seal(big, 4096, 904, out, n);
        n += encoder.goodbye(out, n);
        assertThat(n).isEqualTo(out.length);
        return out;
    }

    @Test
    void encodesAsNpmPullBoxStream() throws Exception {
        byte[] stream = encodeReference();

        // computed with npm pull-box-stream 1.0.13 for the same key, nonce and chunks
        assertThat(HexFormat.of().formatHex(stream, 0, 60)).isEqualTo("0c8ee9f28c92188305841ec21682df61b19818f810565ada3"
                + "ce5338456244231095bed32257acc3c7210649fc973fd12ad16c8216fafeff2fd9158c5");
        assertThat(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(stream)))
                .isEqualTo("216e56b6903b1a9bd1edd2669345563f27b66df2d522e9b7258b4a0669cfb669");
    }

    @Test
    void decodesWhateverWayTheBytesArrive() {
        byte[] stream = encodeReference();
        long seed = System.nanoTime();
        System.out.println("decodesWhateverWayTheBytesArrive: seed " + seed);
        Random random = new Random(seed);
        BoxDecoder decoder = new BoxDecoder(KEY, NONCE, "test");
        ByteBuffer in = ByteBuffer.allocate(stream.length).flip();
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        int offered = 0;
        int result;
        while ((result = decoder.decode(in)) != BoxDecoder.END) {
            if (result == BoxDecoder.NEED_MORE) {
                int n = Math.min(stream.length - offered, 1 + random.nextInt(100));
                assertThat(n).as("input left").isPositive();
                in.compact().put(stream, offered, n).flip();
                offered += n;
            } else {
                ByteBuffer chunk = decoder.plaintext();
                plaintext.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
            }
        }
        byte[] expected = new byte[5005];
        System.arraycopy("hello".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 5);
        System.arraycopy(seq(5000, 0), 0, expected, 5, 5000);
        assertThat(plaintext.toByteArray()).isEqualTo(expected);
        assertThat(offered).isEqualTo(stream.length);
        assertThat(decoder.decode(in)).as("after the goodbye").isEqualTo(BoxDecoder.END);
    }

    @Test
    void everyAlteredByteIsDetectedBeforeItsPlaintextIsDelivered() {
        byte[] stream = encodeReference();
        for (int i : new int[] {0, 16, 20, 33, 34, 38, 39, 60, 4168, 5106, 5107, 5140}) {
            byte[] altered = stream.clone();
            altered[i] ^= 1;
            BoxDecoder decoder = new BoxDecoder(KEY, NONCE, "net:test");
            ByteBuffer in = ByteBuffer.wrap(altered);
            assertThatThrownBy(() -> {
                        int delivered = 0;
                        int result;
                        while ((result = decoder.decode(in)) != BoxDecoder.END) {
                            delivered += result;
                            assertThat(delivered).as("plaintext delivered before byte %d", i).isLessThanOrEqualTo(i);
                        }
                    })
                    .as("byte %d altered", i)
                    .isInstanceOf(BoxStreamException.class)
                    .hasMessageContaining("net:test")
                    .hasMessageContaining("does not authenticate");
        }
    }

    @Test
    void anotherKeyOrNonceFailsAtTheFirstHeader() {
        byte[] stream = encodeReference();
        byte[] otherNonce = NONCE.clone();
        otherNonce[23] ^= 1;

        assertThatThrownBy(() -> new BoxDecoder(seq(32, 101), NONCE, "x").decode(ByteBuffer.wrap(stream)))
                .isInstanceOf(BoxStreamException.class)
                .hasMessageContaining("header 0");
        assertThatThrownBy(() -> new BoxDecoder(KEY, otherNonce, "x").decode(ByteBuffer.wrap(stream)))
                .isInstanceOf(BoxStreamException.class);
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() {
        // a header that authenticates but announces 4097 bytes
        byte[] header = new byte[BoxStream.HEADER_PLAINTEXT_BYTES];
        header[0] = 0x10;
        header[1] = 0x01;
        byte[] wire = SecretBox.seal(header, NONCE, KEY);

        assertThatThrownBy(() -> new BoxDecoder(KEY, NONCE, "x").decode(ByteBuffer.wrap(wire)))
                .isInstanceOf(BoxStreamException.class)
                .hasMessageContaining("4097")
                .hasMessageContaining("4096");
    }

    @Test
    void aSessionWithNoDataIsJustTheGoodbye() {
        byte[] out = new byte[BoxStream.HEADER_BYTES];
        new BoxEncoder(KEY, NONCE).goodbye(out, 0);

        assertThat(SecretBox.open(out, NONCE, KEY)).isEqualTo(new byte[18]);
        assertThat(new BoxDecoder(KEY, NONCE, "x").decode(ByteBuffer.wrap(out))).isEqualTo(BoxDecoder.END);
    }

    @Test
    void boxesHoldOneTo4096Bytes() {
        BoxEncoder encoder = new BoxEncoder(KEY, NONCE);
        byte[] out = new byte[2 * BoxStream.MAX_BOX_BYTES];

        assertThatThrownBy(() -> encoder.seal(new byte[0], 0, 0, out, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.seal(new byte[4097], 0, 4097, out, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
