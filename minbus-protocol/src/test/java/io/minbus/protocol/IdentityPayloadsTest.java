package io.minbus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The identity extensions of docs/minbus.md §18: visibility byte, initiator key, keyed query. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdentityPayloadsTest {
    static final String KEY = "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ=";
    static final String KEY_HEX = HexFormat.of().formatHex(Base64.getDecoder().decode(KEY));

    static ByteBuffer hex(String h) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(h.replace(" ", "")));
    }

    @Test
    void keyedPluginListRoundTripsAndIsStrict() {
        KeyedPluginList list = new KeyedPluginList(List.of(
                new KeyedPluginList.Entry(new PluginInfo("kv", 3), Optional.empty()),
                new KeyedPluginList.Entry(new PluginInfo("log", 1), Optional.of(KEY))));
        ByteBuffer bytes = list.encode();
        assertThat(bytes).isEqualTo(hex("026b76000300 036c6f67000101" + KEY_HEX));
        assertThat(KeyedPluginList.decode(bytes)).isEqualTo(list);
        assertThat(KeyedPluginList.decode(hex(""))).isEqualTo(new KeyedPluginList(List.of()));
        assertThatThrownBy(() -> KeyedPluginList.decode(hex("026b76000302"))).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("§18.6");
        assertThatThrownBy(() -> KeyedPluginList.decode(hex("026b76000301 0102"))).isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> KeyedPluginList.decode(hex("026b760003"))).isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void theIncomingConnectionCarriesOnlyTheTupleOfAnInitiatorThatDeclaredAVisibility() {
        Registration r = Registration.named("kv", 3).withVisibility(Visibility.ALWAYS);
        assertThat(new IncomingConnection(r).encode()).isEqualTo(hex("00026b760003"));
        assertThat(r.encode()).isEqualTo(hex("026b76000300"));
        assertThat(Registration.decode(r.encode())).isEqualTo(r);
        assertThat(Registration.decode(hex("026b760003")).effectiveVisibility()).isEqualTo(Visibility.TRUSTED);
    }
}
