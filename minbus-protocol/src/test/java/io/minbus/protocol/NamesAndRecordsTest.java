package io.minbus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Validation of names, versions and the records' invariants, with the messages a user reads. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NamesAndRecordsTest {

    @Test
    void anEmptyNameIsRefusedWithAnExplanation() {
        assertThatThrownBy(() -> new PluginInfo("", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty")
                .hasMessageContaining("nameless client");
    }

    @Test
    void aNameOf255Utf8BytesIsAllowedAnd256IsNot() {
        String ok = "é".repeat(127) + "x";
        assertThat(new PluginInfo(ok, 1).encodedSize()).isEqualTo(3 + 255);
        assertThatThrownBy(() -> new PluginInfo("é".repeat(128), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 bytes of UTF-8, at most 255");
    }

    @Test
    void aLongNameRoundTripsInEveryPayload() {
        PluginInfo p = new PluginInfo("n".repeat(255), 65535);
        assertThat(Registration.decode(Registration.of(p).encode())).isEqualTo(Registration.of(p));
        assertThat(Event.decode(Event.left(p).encode())).isEqualTo(Event.left(p));
        assertThat(PluginList.decode(PluginList.of(p, PluginInfo.of("b", 0)).encode()))
                .isEqualTo(PluginList.of(p, PluginInfo.of("b", 0)));
        assertThat(ConnectRequest.decode(ConnectRequest.to(p.name(), 3).encode())).isEqualTo(ConnectRequest.to(p.name(), 3));
    }

    @Test
    void anUnpairedSurrogateCannotBeAName() {
        assertThatThrownBy(() -> new PluginInfo("a\uD800b", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void versionsAreU16() {
        assertThatThrownBy(() -> new PluginInfo("kv", 65536))
                .hasMessageContaining("65536 is outside 0..65535");
        assertThatThrownBy(() -> Registration.nameless(-1)).hasMessageContaining("outside 0..65535");
        assertThatThrownBy(() -> ConnectRequest.to("kv", 70000)).hasMessageContaining("minimum version");
    }

    @Test
    void aNamelessRegistrationHasNoPlugin() {
        Registration r = Registration.nameless(7);
        assertThat(r.isNameless()).isTrue();
        assertThat(r.plugin()).isEmpty();
        assertThat(Registration.named("kv", 3).plugin()).contains(PluginInfo.of("kv", 3));
    }

    @Test
    void aConnectAcceptsVersionsFromItsMinimum() {
        assertThat(ConnectRequest.to("kv").accepts(0)).isTrue();
        assertThat(ConnectRequest.to("kv", 4).accepts(3)).isFalse();
        assertThat(ConnectRequest.to("kv", 4).accepts(4)).isTrue();
        assertThat(ConnectRequest.to("kv", 4).accepts(7)).isTrue();
    }

    @Test
    void isConnectLooksOnlyAtTheKindByte() {
        assertThat(ConnectRequest.isConnect(ByteBuffer.wrap(new byte[] {0}))).isTrue();
        assertThat(ConnectRequest.isConnect(ByteBuffer.wrap(new byte[] {1, 2, 'k', 'v'}))).isFalse();
        assertThat(ConnectRequest.isConnect(ByteBuffer.allocate(0))).isFalse();
        ByteBuffer offset = ByteBuffer.wrap(new byte[] {9, 0, 2, 'k', 'v'}).position(1);
        assertThat(ConnectRequest.isConnect(offset)).isTrue();
        assertThat(ConnectRequest.decode(offset)).isEqualTo(ConnectRequest.to("kv"));
    }

    @Test
    void aPluginListRejectsDuplicates() {
        assertThatThrownBy(() -> PluginList.of(PluginInfo.of("kv", 1), PluginInfo.of("kv", 2)))
                .hasMessageContaining("\"kv\" is listed twice");
        assertThat(PluginList.of().encode().remaining()).isZero();
        assertThat(new PluginList(List.of(PluginInfo.of("kv", 1))).encodedSize()).isEqualTo(5);
    }

    @Test
    void onlyVersionTooLowCarriesAVersion() {
        assertThatThrownBy(() -> new ErrorPayload(Reason.NAME_TAKEN, OptionalInt.of(1)))
                .hasMessageContaining("exactly when the reason is VERSION_TOO_LOW");
        assertThatThrownBy(() -> ErrorPayload.of(Reason.VERSION_TOO_LOW))
                .hasMessageContaining("ErrorPayload.versionTooLow");
    }

    @Test
    void aRegistrationIsOnlyRefusedWithClass01() {
        assertThatThrownBy(() -> RegistrationResult.refused(Reason.RELAY_LIMIT))
                .hasMessageContaining("class 01");
        assertThatThrownBy(() -> RegistrationResult.refused(Reason.UNEXPECTED))
                .hasMessageContaining("class 01");
        assertThat(RegistrationResult.refused(Reason.NAME_TAKEN).isAccepted()).isFalse();
        assertThat(RegistrationResult.accepted().isAccepted()).isTrue();
    }

    @Test
    void anEstablishedRelayIsNeverEndedWithClass00() {
        assertThatThrownBy(() -> new RelayEnd.FromServer(ErrorPayload.of(Reason.NO_RESOURCES)))
                .hasMessageContaining("would read as a relayed end");
    }

    @Test
    void aRelayedEndIsPrefixedAndCutToTheReceiversFrame() {
        ByteBuffer bye = ByteBuffer.wrap("bye".getBytes());
        assertThat(RelayEnd.relay(bye, 1024)).isEqualTo(ByteBuffer.wrap(new byte[] {0, 'b', 'y', 'e'}));
        assertThat(RelayEnd.relay(bye, 3)).isEqualTo(ByteBuffer.wrap(new byte[] {0, 'b', 'y'}));
        assertThat(RelayEnd.relay(bye, 1)).isEqualTo(ByteBuffer.wrap(new byte[] {0}));
        assertThat(bye.position()).isZero();
        assertThat(RelayEnd.decode(RelayEnd.relay(bye, 1024))).isEqualTo(new RelayEnd.Relayed(bye));
    }

    @Test
    void aRelayedPayloadIsACopyThatCannotBeChanged() {
        byte[] raw = {1, 2, 3};
        RelayEnd.Relayed relayed = new RelayEnd.Relayed(ByteBuffer.wrap(raw));
        raw[0] = 9;
        assertThat(relayed.payload().get(0)).isEqualTo((byte) 1);
        assertThat(relayed.payload().isReadOnly()).isTrue();
    }

    @Test
    void malformedPayloadsNameWhatIsWrongAndShowTheBytes() {
        assertThatThrownBy(() -> Registration.decode(ByteBuffer.wrap(new byte[] {2, 'k', 'v', 0})))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("malformed registration payload (docs/minbus.md §4.1)")
                .hasMessageContaining("ends inside the version")
                .hasMessageContaining("02 6b 76 00")
                .extracting(e -> ((MalformedPayloadException) e).payload()).isEqualTo("registration");
        assertThatThrownBy(() -> ConnectRequest.decode(ByteBuffer.wrap(new byte[] {0, 0})))
                .hasMessageContaining("nameless clients cannot be connected to");
        assertThatThrownBy(() -> Event.decode(ByteBuffer.wrap(new byte[] {2, 2, 'k', 'v', 0, 3})))
                .hasMessageContaining("kind 02 is neither 00 (joined) nor 01 (left)");
    }

    @Test
    void reasonsKnowTheirClassAndCode() {
        assertThat(Reason.UNEXPECTED.errorClass()).isEmpty();
        assertThat(Reason.REFUSED.code()).isEmpty();
        assertThat(Reason.NAME_TAKEN.errorClass()).hasValue(1);
        assertThat(Reason.NAME_TAKEN.code()).hasValue(4);
        assertThat(Reason.RELAY_LIMIT.isResourceShortage()).isTrue();
        assertThat(Reason.NO_SUCH_PLUGIN.isResourceShortage()).isFalse();
    }
}
