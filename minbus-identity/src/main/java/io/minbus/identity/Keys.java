package io.minbus.identity;

import io.minbus.identity.internal.Bytes;
import io.minbus.identity.internal.Ed25519;
import io.minbus.identity.internal.KeyFile;
import io.minbus.identity.internal.KeyPaths;
import io.minbus.identity.internal.SigningKey;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;

/**
 * An ed25519 key pair: a bus's or a plugin's secret identity. Immutable and thread-safe; {@link
 * #toString()} shows only the public {@link #identity()}.
 *
 * <p>Key files use the JSON format of Scuttlebutt's {@code ~/.ssb/secret} (see {@code
 * docs/security.md}), are created with mode 0600 and are refused if group or others have any
 * permission on them.
 */
public final class Keys {

    /** Environment variable naming the key file, see {@link #defaultPath()}. */
    public static final String KEY_FILE_VARIABLE = KeyPaths.KEY_FILE_VARIABLE;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SigningKey key;
    private final Identity identity;

    private Keys(SigningKey key) {
        this.key = key;
        this.identity = Identity.of(key.publicKey());
    }

    /** A new random key pair (from the JDK's {@link SecureRandom}). */
    public static Keys generate() {
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        try {
            return fromSeed(seed);
        } finally {
            Bytes.wipe(seed);
        }
    }

    /**
     * The key pair of a 32-byte seed (the RFC 8032 private key; copied).
     *
     * @throws IllegalArgumentException if it is not 32 bytes
     */
    public static Keys fromSeed(byte[] seed) {
        Objects.requireNonNull(seed, "seed");
        return new Keys(SigningKey.fromSeed(seed));
    }

    /**
     * The key pair of a libsodium/Scuttlebutt 64-byte secret key, {@code seed || public key}.
     *
     * @throws IllegalArgumentException if it is not 64 bytes or its halves do not belong together
     */
    public static Keys fromSecretKey(byte[] secretKey) {
        Objects.requireNonNull(secretKey, "secretKey");
        return new Keys(SigningKey.fromSecretKey(secretKey));
    }

    /**
     * Reads a key file.
     *
     * @throws IdentityException if it is missing, unreadable, malformed, or group or others have
     *     any permission on it (the message then shows the mode and the {@code chmod 600} to run)
     */
    public static Keys load(Path path) {
        Objects.requireNonNull(path, "path");
        return new Keys(KeyFile.read(path));
    }

    /** {@link #load} of {@link #defaultPath()}. */
    public static Keys loadDefault() {
        return load(defaultPath());
    }

    /**
     * Reads the key file at {@code path}, or, if there is none, generates a key pair and writes it
     * there. If another process creates the file at the same moment, its key is read.
     *
     * @throws IdentityException as {@link #load} and {@link #write}
     */
    public static Keys loadOrCreate(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Keys created = generate();
            try {
                created.write(path);
                return created;
            } catch (IdentityException e) {
                if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                // lost a race with another process: use its key
            }
        }
        return load(path);
    }

    /** {@link #defaultPath(Map, String)} for this process's environment and home directory. */
    public static Path defaultPath() {
        return defaultPath(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The key file to use when none is named: {@code $MINBUS_KEY_FILE} if set, else {@code
     * $XDG_CONFIG_HOME/minbus/secret} if {@code XDG_CONFIG_HOME} is an absolute path, else {@code
     * HOME/.config/minbus/secret}.
     *
     * @param environment the environment variables to consult
     * @param userHome the user's home directory
     */
    public static Path defaultPath(Map<String, String> environment, String userHome) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(userHome, "userHome");
        return KeyPaths.defaultPath(environment, userHome);
    }

    /**
     * Writes this key pair to a new key file with mode 0600 (atomically: the file appears
     * complete or not at all), creating missing parent directories with mode 0700.
     *
     * @throws IdentityException if a file exists there already (a key is never overwritten), or
     *     writing fails
     */
    public void write(Path path) {
        Objects.requireNonNull(path, "path");
        KeyFile.write(path, key);
    }

    /** The public half: who this key pair is. */
    public Identity identity() {
        return identity;
    }

    /** A detached ed25519 signature (64 bytes) of {@code message}. */
    public byte[] sign(byte[] message) {
        Objects.requireNonNull(message, "message");
        return key.sign(message);
    }

    /**
     * Whether {@code signature} is {@code identity}'s ed25519 signature of {@code message}.
     */
    public static boolean verify(Identity identity, byte[] message, byte[] signature) {
        return Ed25519.verify(identity.bytes(), message, signature);
    }

    /** For the handshake, in this package only. */
    SigningKey signingKey() {
        return key;
    }

    /** {@code Keys[@BASE64.ed25519]}; never the secret. */
    @Override
    public String toString() {
        return "Keys[" + identity + "]";
    }
}
