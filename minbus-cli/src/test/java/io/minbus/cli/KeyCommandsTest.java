package io.minbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import io.minbus.identity.Keys;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Visibility;
import io.minbus.transport.BusAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code minbus keygen} and {@code minbus serve --key}: key files and secured TCP listeners. */
@Timeout(60)
class KeyCommandsTest {
    @TempDir Path dir;

    @Test
    void keygenWritesAPrivateKeyFileAndNeverOverwritesIt() throws Exception {
        Path file = dir.resolve("sub/secret");
        Cli.Result r = Cli.run(Map.of(), "keygen", "--key", file.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
        String[] lines = r.out().strip().split("\n");
        assertThat(lines[0]).startsWith("@").endsWith(".ed25519");
        assertThat(Keys.load(file).identity().toString()).isEqualTo(lines[0]);
        assertThat(Keys.load(file).identity().base64()).isEqualTo(lines[1]);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Cli.Result again = Cli.run(Map.of(), "keygen", "--key", file.toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains("a key file already exists at " + file);
        assertThat(Keys.load(file).identity().toString()).isEqualTo(lines[0]);
    }

    @Test
    void keygenUsesMinbusKeyFile() {
        Path file = dir.resolve("from-env");
        Cli.Result r = Cli.run(Map.of("MINBUS_KEY_FILE", file.toString()), "keygen");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(Files.exists(file)).isTrue();
    }

    @Test
    void serveRefusesAKeyFileOthersCanRead() throws Exception {
        Path file = dir.resolve("secret");
        Keys keys = Keys.generate();
        keys.write(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result r = Cli.run(Map.of(), "serve", "--key", file.toString(), "--listen",
                "net:127.0.0.1:0~shs:" + keys.identity().base64());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("refusing to use the key file " + file).contains("its mode is 0644")
                .contains("chmod 600");
    }

    @Test
    void serveRefusesAMissingKeyFileWithAHint() {
        Path file = dir.resolve("nothing-here");
        Cli.Result r = Cli.run(Map.of(), "serve", "--key", file.toString(), "--listen", "net:127.0.0.1:0~shs:"
                + Keys.generate().identity().base64());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("no key file at " + file).contains("minbus keygen");
    }

    @Test
    void serveRefusesPlainTcpOnANonLoopbackAddress() {
        Cli.Result r = Cli.run(Map.of(), "serve", "--listen", "unix:" + dir.resolve("bus.sock"),
                "--listen", "net:0.0.0.0:0");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("refusing to listen on net:0.0.0.0:0 without the secret handshake");
        assertThat(dir.resolve("bus.sock")).doesNotExist();
    }

    @Test
    void serveWithKeyListensWithTheHandshakeAndAClientGetsThrough() throws Exception {
        Path file = dir.resolve("secret");
        Keys keys = Keys.generate();
        keys.write(file);
        Cli.Running serve = Cli.start(Map.of(), java.io.InputStream.nullInputStream(), "serve", "--key",
                file.toString(), "--listen", "net:127.0.0.1:0~shs:" + keys.identity().base64());
        try {
            BusAddress address = BusAddress.parse(serve.nextLine());
            assertThat(address.toString()).endsWith("~shs:" + keys.identity().base64());
            try (MinBus plugin = MinBus.builder().address(address).keys(keys).connect();
                    MinBus peer = MinBus.builder().address(address).keys(Keys.generate()).connect()) {
                Plugin p = plugin.register("open", 1, Visibility.ALWAYS);
                assertThat(p.name()).isEqualTo("open");
                assertThat(peer.plugins()).containsExactly(new PluginInfo("open", 1));
            }
        } finally {
            assertThat(serve.stop().exitCode()).isEqualTo(ExitCodes.OK);
        }
    }
}
