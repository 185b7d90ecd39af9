package io.minbus.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class BusAddressTest {

    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // 32 bytes

    @ParameterizedTest
    @ValueSource(strings = {
        "unix:/run/user/1000/minbus/bus.sock",
        "unix:/tmp/minbus-ann/bus.sock",
        "net:127.0.0.1:8008",
        "net:bus.example.org:0",
        "net:localhost:65535",
        "net:[::1]:8008",
        "net:[fe80::1%eth0]:1",
        "net:127.0.0.1:8008~shs:" + KEY,
        "net:[::1]:8008~shs:" + KEY,
        "unix:/run/minbus/bus.sock~shs:" + KEY,
        "unix:/home/ann/~stuff/bus.sock~shs:" + KEY,
    })
    void parseAndToStringRoundTrip(String text) {
        assertThat(BusAddress.parse(text)).hasToString(text);
        assertThat(BusAddress.parse(BusAddress.parse(text).toString())).isEqualTo(BusAddress.parse(text));
    }

    @Test
    void parsesIntoParts() {
        assertThat(BusAddress.parse("unix:/a/b.sock")).isEqualTo(new BusAddress.Unix(Path.of("/a/b.sock")));
        assertThat(BusAddress.parse("net:[::1]:80")).isEqualTo(new BusAddress.Tcp("::1", 80));
        assertThat(BusAddress.parse("net:h:80~shs:" + KEY)).isEqualTo(new BusAddress.Tcp("h", 80, Optional.of(KEY)));
        assertThat(BusAddress.parse("unix:/a/b.sock~shs:" + KEY))
                .isEqualTo(new BusAddress.Unix(Path.of("/a/b.sock"), Optional.of(KEY)));
        assertThat(BusAddress.parse("unix:/a/~b.sock")).isEqualTo(new BusAddress.Unix(Path.of("/a/~b.sock")));
    }

    @Test
    void theKeyIsPartOfTheAddressAndWithoutKeyDropsIt() {
        BusAddress unix = BusAddress.parse("unix:/a/b.sock~shs:" + KEY);
        assertThat(unix.shsKey()).contains(KEY);
        assertThat(unix.withoutKey()).isEqualTo(new BusAddress.Unix(Path.of("/a/b.sock")));
        assertThat(unix.withoutKey().shsKey()).isEmpty();
        assertThat(BusAddress.parse("net:h:1~shs:" + KEY).withoutKey()).isEqualTo(new BusAddress.Tcp("h", 1));
    }

    @Test
    void formatsIpv6InBrackets() {
        assertThat(new BusAddress.Tcp("::1", 8008)).hasToString("net:[::1]:8008");
        assertThat(new BusAddress.Tcp("::1", 0).withPort(9)).hasToString("net:[::1]:9");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "bus.sock", "tcp:127.0.0.1:80", "unix:", "unix:relative/bus.sock", "unix:/nul\0byte",
        "net:", "net:host", "net:host:", "net::80", "net:host:http", "net:host:65536", "net:host:-1",
        "net:host:123456", "net:::1:80", "net:[::1]", "net:[::1]80", "net:h:80~shs:", "net:h:80~shs:%%%",
        "net:h:80~shs:AAAA", "net:h:80~noise:x", "net:two words:80", "net:h/x:80",
        "unix:/a/b.sock~shs:", "unix:/a/b.sock~shs:AAAA", "unix:relative~shs:" + KEY,
    })
    void rejectsWhatIsNotAnAddressNamingTheAcceptedForms(String text) {
        assertThatThrownBy(() -> BusAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a bus address: \"" + text + "\"")
                .hasMessageContaining("unix:/absolute/path/bus.sock")
                .hasMessageContaining("net:HOST:PORT")
                .hasMessageContaining("net:[IPV6]:PORT")
                .hasMessageContaining("~shs:BASE64KEY");
    }

    @Test
    void rejectionsSayWhatIsWrong() {
        assertThatThrownBy(() -> BusAddress.parse("net:::1:80")).hasMessageContaining("needs brackets");
        assertThatThrownBy(() -> BusAddress.parse("net:h:99999")).hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> BusAddress.parse("net:h:1~shs:AAAA")).hasMessageContaining("32-byte");
        assertThatThrownBy(() -> BusAddress.parse("unix:x")).hasMessageContaining("absolute");
    }

    @Test
    void recordsCheckTheirParts() {
        assertThatThrownBy(() -> new BusAddress.Unix(Path.of("relative"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BusAddress.Tcp("h", 70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BusAddress.Tcp("[::1]", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultIsMinbusAddressWhenSet() {
        var env = Map.of("MINBUS_ADDRESS", "net:10.0.0.1:8008", "XDG_RUNTIME_DIR", "/run/user/1000", "USER", "ann");
        assertThat(BusAddress.defaultAddress(env)).isEqualTo(new BusAddress.Tcp("10.0.0.1", 8008));
    }

    @Test
    void defaultIsInTheRuntimeDirectoryOtherwise() {
        var env = Map.of("XDG_RUNTIME_DIR", "/run/user/1000", "USER", "ann");
        assertThat(BusAddress.defaultAddress(env)).hasToString("unix:/run/user/1000/minbus/bus.sock");
        assertThat(BusAddress.defaultAddress(Map.of("MINBUS_ADDRESS", " ", "XDG_RUNTIME_DIR", "/run/user/7")))
                .as("a blank MINBUS_ADDRESS counts as unset")
                .hasToString("unix:/run/user/7/minbus/bus.sock");
    }

    @Test
    void defaultIsAPerUserDirectoryUnderTmpWithoutARuntimeDirectory() {
        assertThat(BusAddress.defaultAddress(Map.of("USER", "ann"))).hasToString("unix:/tmp/minbus-ann/bus.sock");
        assertThat(BusAddress.defaultAddress(Map.of("USER", "ann", "XDG_RUNTIME_DIR", "relative")))
                .as("a relative XDG_RUNTIME_DIR is ignored")
                .hasToString("unix:/tmp/minbus-ann/bus.sock");
        assertThat(BusAddress.defaultAddress(Map.of()))
                .as("without USER, the JVM's user name")
                .hasToString("unix:/tmp/minbus-" + System.getProperty("user.name") + "/bus.sock");
    }

    @Test
    void aBadMinbusAddressIsNamed() {
        assertThatThrownBy(() -> BusAddress.defaultAddress(Map.of("MINBUS_ADDRESS", "localhost:8008")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MINBUS_ADDRESS is set but not a bus address: \"localhost:8008\"");
    }

    @Test
    void theProcessEnvironmentGivesSomeAddress() {
        assertThat(BusAddress.defaultAddress()).isNotNull();
    }
}
