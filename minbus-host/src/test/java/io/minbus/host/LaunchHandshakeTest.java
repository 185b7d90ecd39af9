package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The launch proof's HMAC-SHA256, computed over {@code MessageDigest} (docs/host.md section 8). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LaunchHandshakeTest {
    private static final long SEED = Long.getLong("minbus.seed", System.nanoTime());

    @Test
    void theHmacMatchesRfc4231() {
        // RFC 4231 test case 2 (a short key) and 6 (a key longer than the block: hashed first)
        assertThat(HexFormat.of().formatHex(LaunchHandshake.hmac("4a656665", "what do ya want for nothing?")))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(HexFormat.of().formatHex(LaunchHandshake.hmac("aa".repeat(131),
                "Test Using Larger Than Block-Size Key - Hash Key First")))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void theHmacMatchesTheJdksMacForRandomSecretsAndChallenges() throws Exception {
        System.out.println("LaunchHandshakeTest seed " + SEED + " (rerun with -Dminbus.seed=" + SEED + ")");
        Random random = new Random(SEED);
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[i % 3 == 0 ? 32 : random.nextInt(100)];
            random.nextBytes(key);
            String secret = HexFormat.of().formatHex(key);
            String challenge = LaunchHandshake.newChallenge();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            if (key.length == 0) {
                continue; // SecretKeySpec refuses an empty key; RFC 2104 pads it like any short key
            }
            byte[] expected = mac.doFinal(challenge.getBytes(StandardCharsets.US_ASCII));
            assertThat(LaunchHandshake.hmac(secret, challenge)).isEqualTo(expected);
            assertThat(LaunchHandshake.verify(secret, challenge, LaunchHandshake.proof(secret, challenge))).isTrue();
        }
    }

    @Test
    void aProofForAnotherChallengeIsRefused() {
        String secret = "00".repeat(32);
        String proof = LaunchHandshake.proof(secret, LaunchHandshake.newChallenge());
        assertThat(LaunchHandshake.verify(secret, LaunchHandshake.newChallenge(), proof)).isFalse();
    }
}
