package io.minbus.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The primitives against fixed vectors. RFC 8032 for ed25519; the others were computed with
 * libsodium (through npm chloride/sodium-native) on seq(n, start) = start, start+1, ... bytes.
 */
class PrimitivesTest {

    private static final HexFormat HEX = HexFormat.of();

    static byte[] seq(int length, int start) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (start + i);
        }
        return bytes;
    }

    static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    @Test
    void ed25519PublicKeyAndSignatureMatchRfc8032TestOne() {
        byte[] seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        SigningKey key = SigningKey.fromSeed(seed);

        assertThat(HEX.formatHex(key.publicKey()))
                .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] signature = key.sign(new byte[0]);
        assertThat(HEX.formatHex(signature)).isEqualTo("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertThat(Ed25519.verify(key.publicKey(), new byte[0], signature)).isTrue();
        assertThat(Ed25519.verify(key.publicKey(), new byte[1], signature)).isFalse();
    }

    @Test
    void ed25519KeysConvertToCurve25519AsLibsodiumDoes() {
        SigningKey key = SigningKey.fromSeed(seq(32, 1));

        assertThat(HEX.formatHex(key.publicKey()))
                .isEqualTo("79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664");
        assertThat(HEX.formatHex(Ed25519.toX25519PublicKey(key.publicKey())))
                .isEqualTo("4a3807d064d077181cc070989e76891d20dca5559548dc2c77c1a50273882b38");
        assertThat(HEX.formatHex(key.x25519SecretKey()))
                .isEqualTo("70788f1a0cea001a2631dae5d05dbd062008d5b30f50b9e29beb2a7822289044");
        // and the converted pair is a pair: its public key is the scalar times the base point
        assertThat(X25519.publicKey(key.x25519SecretKey())).isEqualTo(Ed25519.toX25519PublicKey(key.publicKey()));
    }

    @Test
    void invalidPublicKeysAreRecognised() {
        byte[] notOnCurve = hex("0200000000000000000000000000000000000000000000000000000000000000");
        byte[] neutral = hex("0100000000000000000000000000000000000000000000000000000000000000");
        byte[] nonCanonical = hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

        assertThat(Ed25519.isValidPublicKey(notOnCurve)).isFalse();
        assertThat(Ed25519.isValidPublicKey(neutral)).isFalse();
        assertThat(Ed25519.isValidPublicKey(nonCanonical)).isFalse();
        assertThat(Ed25519.isValidPublicKey(new byte[31])).isFalse();
        assertThatThrownBy(() -> Ed25519.toX25519PublicKey(notOnCurve)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Ed25519.verify(notOnCurve, new byte[0], new byte[64])).isFalse();
    }

    @Test
    void x25519MatchesRfc7748() {
        byte[] aliceSecret = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobSecret = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");

        assertThat(HEX.formatHex(X25519.publicKey(aliceSecret)))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(X25519.sharedSecret(aliceSecret, X25519.publicKey(bobSecret))))
                .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertThatThrownBy(() -> X25519.sharedSecret(aliceSecret, new byte[32]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("small order");
    }

    @Test
    void authIsHmacSha512TruncatedTo32Bytes() {
        byte[] tag = Hashes.auth(seq(32, 100), "minbus".getBytes(StandardCharsets.US_ASCII));

        assertThat(HEX.formatHex(tag)).isEqualTo("73ab980af85cd471ada0e88bc43331415c2e57ad31c027f34a2e87c47934ceb4");
        assertThat(Hashes.authVerify(seq(32, 100), "minbus".getBytes(StandardCharsets.US_ASCII), tag)).isTrue();
        tag[31] ^= 1;
        assertThat(Hashes.authVerify(seq(32, 100), "minbus".getBytes(StandardCharsets.US_ASCII), tag)).isFalse();
    }

    @Test
    void secretBoxMatchesLibsodiumAndRejectsAnyAlteredByte() {
        byte[] key = seq(32, 100);
        byte[] nonce = seq(24, 200);
        byte[] boxed = SecretBox.seal("hello, box".getBytes(StandardCharsets.US_ASCII), nonce, key);

        assertThat(HEX.formatHex(boxed)).isEqualTo("a9802fdb5c36d5b2faf1f3d10f5e0ecd9efc4f9b035f4729862c");
        assertThat(SecretBox.open(boxed, nonce, key)).asString(StandardCharsets.US_ASCII).isEqualTo("hello, box");
        for (int i = 0; i < boxed.length; i++) {
            byte[] altered = boxed.clone();
            altered[i] ^= 0x20;
            assertThat(SecretBox.open(altered, nonce, key)).as("byte %d altered", i).isNull();
        }
        assertThat(SecretBox.open(new byte[15], nonce, key)).isNull();
    }

    @Test
    void noncesIncrementBigEndianAndWrap() {
        byte[] nonce = hex("07ffffffffffffffffffffffffffffffffffffffffffffff");
        Nonces.increment(nonce);
        assertThat(HEX.formatHex(nonce)).isEqualTo("080000000000000000000000000000000000000000000000");

        byte[] max = hex("ffffffffffffffffffffffffffffffffffffffffffffffff");
        Nonces.increment(max);
        assertThat(max).isEqualTo(new byte[24]);
    }
}
