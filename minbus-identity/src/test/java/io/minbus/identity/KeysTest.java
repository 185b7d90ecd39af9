package io.minbus.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Key pairs, key files and their permissions, and the default path. */
@Timeout(30)
class KeysTest {

    @TempDir
    Path directory;

    private Random random;

    @BeforeEach
    void setUp(TestInfo test) {
        random = new Random(TestKeys.seed(test.getDisplayName()));
    }

    @Test
    void aWrittenKeyFileIsOwnerOnlyAndReadsBack() throws Exception {
        Keys keys = TestKeys.keys(random);
        Path file = directory.resolve("minbus").resolve("secret");

        keys.write(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        Keys loaded = Keys.load(file);
        assertThat(loaded.identity()).isEqualTo(keys.identity());
        byte[] message = "signed".getBytes(StandardCharsets.UTF_8);
        assertThat(loaded.sign(message)).isEqualTo(keys.sign(message));
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void theFileIsScuttlebuttsSecretFormat() throws Exception {
        Keys keys = Keys.fromSeed(HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"));
        Path file = directory.resolve("secret");
        keys.write(file);
        String text = Files.readString(file);

        String id = "@ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ=.ed25519";
        assertThat(keys.identity().toString()).isEqualTo(id);
        assertThat(text).contains("\"curve\": \"ed25519\"")
                .contains("\"public\": \"" + id.substring(1) + "\"")
                .contains("\"id\": \"" + id + "\"")
                .contains("\"private\": \"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyB5tVYuj+ZU+UB4sRLoqYunkB+FOuaVvtfg45ELrQSWZA==.ed25519\"");
        assertThat(text.lines().filter(line -> line.startsWith("#"))).isNotEmpty();
    }

    @Test
    void aKeyFileWrittenByScuttlebuttIsRead() throws Exception {
        // laid out as Scuttlebutt's ssb-keys writes it: comments around the object
        byte[] seed = ScriptedPeer.random(random, 32);
        Keys known = Keys.fromSeed(seed);
        byte[] secret = new byte[64];
        System.arraycopy(seed, 0, secret, 0, 32);
        System.arraycopy(known.identity().bytes(), 0, secret, 32, 32);
        String text = "# this is your SECRET name.\n# keep it safe\n\n{\n  \"curve\": \"ed25519\",\n  \"public\": \""
                + known.identity().base64() + ".ed25519\",\n  \"private\": \"" + Base64.getEncoder().encodeToString(secret)
                + ".ed25519\",\n  \"id\": \"" + known.identity() + "\"\n}\n\n# WARNING! never show this to anyone.\n";
        Path file = directory.resolve("ssb-secret");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));

        assertThat(Keys.load(file).identity()).isEqualTo(known.identity());
    }

    @Test
    void aKeyFileOthersMayReadIsRefusedWithTheFix() throws Exception {
        Path file = directory.resolve("secret");
        TestKeys.keys(random).write(file);
        for (String permissions : List.of("rw-r--r--", "rw----r--", "rw-rw----", "rw-----w-", "rw---x---")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
            String mode = String.format("%04o", Integer.parseInt(toOctal(permissions), 8));

            assertThatThrownBy(() -> Keys.load(file))
                    .as(permissions)
                    .isInstanceOf(IdentityException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("mode is " + mode)
                    .hasMessageContaining("chmod 600 " + file);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(Keys.load(file)).isNotNull();
    }

    private static String toOctal(String permissions) {
        StringBuilder octal = new StringBuilder();
        for (int i = 0; i < 9; i += 3) {
            int digit = (permissions.charAt(i) == 'r' ? 4 : 0) + (permissions.charAt(i + 1) == 'w' ? 2 : 0)
                    + (permissions.charAt(i + 2) == 'x' ? 1 : 0);
            octal.append(digit);
        }
        return octal.toString();
    }

    @Test
    void anExistingKeyIsNeverOverwritten() {
        Path file = directory.resolve("secret");
        Keys first = TestKeys.keys(random);
        first.write(file);

        assertThatThrownBy(() -> TestKeys.keys(random).write(file))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("already exists at " + file)
                .hasMessageContaining("never overwrites");
        assertThat(Keys.load(file).identity()).isEqualTo(first.identity());
    }

    @Test
    void concurrentLoadOrCreateAgreeOnOneKey() {
        Path file = directory.resolve("racy").resolve("secret");
        List<CompletableFuture<Keys>> racers = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> Keys.loadOrCreate(file)))
                .toList();

        List<Identity> identities = racers.stream().map(CompletableFuture::join).map(Keys::identity).distinct().toList();
        assertThat(identities).hasSize(1);
        assertThat(Keys.load(file).identity()).isEqualTo(identities.getFirst());
    }

    @Test
    void aMissingKeyFileSaysHowToGetOne() {
        Path file = directory.resolve("nothing-here");
        assertThatThrownBy(() -> Keys.load(file))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("no key file at " + file)
                .hasMessageContaining("MINBUS_KEY_FILE");
    }

    @Test
    void malformedKeyFilesAreRefusedWithTheReason() throws Exception {
        Keys keys = TestKeys.keys(random);
        Keys other = TestKeys.keys(random);
        String good = keysText(keys);
        Map<String, String> cases = Map.of(
                "not json", "not a JSON object",
                good.replace("\"ed25519\",", "\"k256\","), "only ed25519",
                good.replace(keys.identity().toString(), other.identity().toString()), "\"id\" field does not match",
                "{\"curve\": \"ed25519\"}", "no \"private\" field",
                "{\"private\": \"AAAA.ed25519\"}", "no ed25519 secret key",
                "{\"private\": \"***\"}", "not base64");
        int i = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = directory.resolve("bad" + i++);
            Files.writeString(file, c.getKey());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            assertThatThrownBy(() -> Keys.load(file))
                    .as(c.getKey())
                    .isInstanceOf(IdentityException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining(c.getValue());
        }
    }

    private String keysText(Keys keys) throws Exception {
        Path file = directory.resolve("template-" + keys.identity().base64().substring(0, 8).replace('/', '_'));
        keys.write(file);
        return Files.readString(file);
    }

    @Test
    void theDefaultPathFollowsTheEnvironment() {
        assertThat(Keys.defaultPath(Map.of(), "/home/ann")).isEqualTo(Path.of("/home/ann/.config/minbus/secret"));
        assertThat(Keys.defaultPath(Map.of("XDG_CONFIG_HOME", "/cfg"), "/home/ann"))
                .isEqualTo(Path.of("/cfg/minbus/secret"));
        assertThat(Keys.defaultPath(Map.of("XDG_CONFIG_HOME", "relative"), "/home/ann"))
                .as("relative XDG paths are ignored").isEqualTo(Path.of("/home/ann/.config/minbus/secret"));
        assertThat(Keys.defaultPath(Map.of("XDG_CONFIG_HOME", "/cfg", "MINBUS_KEY_FILE", "/keys/bus"), "/home/ann"))
                .isEqualTo(Path.of("/keys/bus"));
        assertThat(Keys.defaultPath(Map.of("MINBUS_KEY_FILE", ""), "/home/ann"))
                .isEqualTo(Path.of("/home/ann/.config/minbus/secret"));
    }

    @Test
    void secretKeysRoundTripAndMustBeConsistent() {
        byte[] seed = ScriptedPeer.random(random, 32);
        Keys keys = Keys.fromSeed(seed);
        byte[] secret = new byte[64];
        System.arraycopy(seed, 0, secret, 0, 32);
        System.arraycopy(keys.identity().bytes(), 0, secret, 32, 32);

        assertThat(Keys.fromSecretKey(secret).identity()).isEqualTo(keys.identity());
        secret[40] ^= 1;
        assertThatThrownBy(() -> Keys.fromSecretKey(secret)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the public key of its seed");
        assertThatThrownBy(() -> Keys.fromSeed(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signaturesVerify() {
        Keys keys = TestKeys.keys(random);
        byte[] message = ScriptedPeer.random(random, 100);
        byte[] signature = keys.sign(message);

        assertThat(Keys.verify(keys.identity(), message, signature)).isTrue();
        message[0] ^= 1;
        assertThat(Keys.verify(keys.identity(), message, signature)).isFalse();
        assertThat(Keys.generate().identity()).isNotEqualTo(keys.identity());
    }
}
