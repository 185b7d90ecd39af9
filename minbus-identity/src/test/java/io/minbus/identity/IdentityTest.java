package io.minbus.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Identities and network keys: parsing, formatting, validation. */
class IdentityTest {

    @Test
    void parsesAndFormatsTheScuttlebuttForm() {
        Keys keys = TestKeys.keys(new Random(TestKeys.seed("IdentityTest")));
        Identity id = keys.identity();

        assertThat(id.toString()).startsWith("@").endsWith(".ed25519").hasSize(1 + 44 + 8);
        assertThat(Identity.parse(id.toString())).isEqualTo(id);
        assertThat(Identity.parse(id.base64() + ".ed25519")).as("without the sigil").isEqualTo(id);
        assertThat(Identity.fromBase64(id.base64())).isEqualTo(id);
        assertThat(Identity.of(id.bytes())).isEqualTo(id).hasSameHashCodeAs(id);
    }

    @Test
    void refusesWhatIsNoIdentity() {
        assertThatThrownBy(() -> Identity.parse("@abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("@BASE64.ed25519");
        assertThatThrownBy(() -> Identity.parse("@!!!.ed25519")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base64");
        assertThatThrownBy(() -> Identity.of(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        byte[] notAPoint = new byte[32];
        notAPoint[0] = 2;
        assertThatThrownBy(() -> Identity.of(notAPoint)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no point on the curve");
    }

    @Test
    void theMinbusNetworkKeyIsSha256OfItsName() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest("minbus/1".getBytes(StandardCharsets.US_ASCII));

        assertThat(NetworkKey.MINBUS.bytes()).isEqualTo(expected);
        assertThat(NetworkKey.MINBUS).hasToString("NetworkKey[minbus/1]");
        assertThat(NetworkKey.of(expected)).isEqualTo(NetworkKey.MINBUS);
        assertThatThrownBy(() -> NetworkKey.of(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
