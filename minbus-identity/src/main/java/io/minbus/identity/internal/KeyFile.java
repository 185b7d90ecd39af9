package io.minbus.identity.internal;

import io.minbus.identity.IdentityException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Key files in the format of Scuttlebutt's {@code ~/.ssb/secret} (so either can read the other's):
 * {@code #} comment lines around a JSON object
 *
 * <pre>
 * {
 *   "curve": "ed25519",
 *   "public": "BASE64(32-byte public key).ed25519",
 *   "private": "BASE64(64-byte secret key = seed | public key).ed25519",
 *   "id": "@BASE64(32-byte public key).ed25519"
 * }
 * </pre>
 *
 * Written atomically with mode 0600 (created with that mode, then linked into place, never
 * replacing an existing file); read only if neither group nor others have any permission on it.
 */
public final class KeyFile {

    private static final int MAX_FILE_BYTES = 64 * 1024;
    private static final String SUFFIX = ".ed25519";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFile() {}

    /** The file's text for {@code key}. */
    static String format(SigningKey key) {
        Base64.Encoder base64 = Base64.getEncoder();
        String publicKey = base64.encodeToString(key.publicKey());
        byte[] secret = key.secretKey();
        String privateKey = base64.encodeToString(secret);
        Bytes.wipe(secret);
        return "# minbus secret key of @" + publicKey + SUFFIX + "\n"
                + "# Whoever has this file can act as that identity. Keep it private (mode 0600)\n"
                + "# and never share it; share the \"id\" below instead.\n"
                + "\n"
                + "{\n"
                + "  \"curve\": \"ed25519\",\n"
                + "  \"public\": \"" + publicKey + SUFFIX + "\",\n"
                + "  \"private\": \"" + privateKey + SUFFIX + "\",\n"
                + "  \"id\": \"@" + publicKey + SUFFIX + "\"\n"
                + "}\n";
    }

    /**
     * Parses a key file's text.
     *
     * @throws IdentityException naming {@code path} if it is no ed25519 key file or is inconsistent
     */
    static SigningKey parse(String text, Path path) {
        Map<String, String> fields;
        try {
            fields = FlatJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(path, "it is not a JSON object of strings: " + e.getMessage());
        }
        String curve = fields.get("curve");
        if (curve != null && !curve.equals("ed25519")) {
            throw invalid(path, "its curve is \"" + curve + "\", only ed25519 is supported");
        }
        String privateField = fields.get("private");
        if (privateField == null) {
            throw invalid(path, "it has no \"private\" field");
        }
        String encoded = privateField.endsWith(SUFFIX)
                ? privateField.substring(0, privateField.length() - SUFFIX.length())
                : privateField;
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw invalid(path, "its \"private\" field is not base64");
        }
        SigningKey key;
        try {
            key = SigningKey.fromSecretKey(secret);
        } catch (IllegalArgumentException e) {
            throw invalid(path, "its \"private\" field is no ed25519 secret key: " + e.getMessage());
        } finally {
            Bytes.wipe(secret);
        }
        String publicKey = Base64.getEncoder().encodeToString(key.publicKey()) + SUFFIX;
        checkField(fields, "public", publicKey, path);
        checkField(fields, "id", "@" + publicKey, path);
        return key;
    }

    /**
     * Reads the key in {@code path}.
     *
     * @throws IdentityException if the file is missing, readable or writable by group or others,
     *     unreadable or malformed
     */
    public static SigningKey read(Path path) {
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw invalid(path, "it is larger than 64 KiB");
            }
            String mode = unsafeMode(path);
            if (mode != null) {
                throw new IdentityException("refusing to use the key file " + path + ": its mode is " + mode
                        + ", so other users may read or change it; a secret key must be private to its owner."
                        + " Run: chmod 600 " + path);
            }
            return parse(Files.readString(path, StandardCharsets.UTF_8), path);
        } catch (NoSuchFileException e) {
            throw new IdentityException("no key file at " + path + "; create one (minbus keygen), or point "
                    + KeyPaths.KEY_FILE_VARIABLE + " at yours", e);
        } catch (IOException e) {
            throw new IdentityException("cannot read the key file " + path + ": " + e, e);
        }
    }

    /**
     * Writes {@code key} to a new file at {@code path} with mode 0600, creating missing parent
     * directories with mode 0700.
     *
     * @throws IdentityException if the file exists (a secret key is never overwritten) or cannot
     *     be written
     */
    public static void write(Path path, SigningKey key) {
        Path target = path.toAbsolutePath();
        Path directory = target.getParent();
        Path temporary = directory.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().toHexDigits(RANDOM.nextLong()));
        try {
            createDirectories(directory);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw exists(path);
            }
            byte[] text = format(key).getBytes(StandardCharsets.UTF_8);
            try (FileChannel channel = createOwnerOnly(temporary)) {
                channel.write(ByteBuffer.wrap(text));
                channel.force(true);
            } finally {
                Bytes.wipe(text);
            }
            publish(temporary, target, path);
        } catch (IOException e) {
            throw new IdentityException("cannot write the key file " + path + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // a stray temporary file of mode 0600; nothing else to do
            }
        }
    }

    /**
     * The file's permissions as an octal mode if group or others have any, else null (also on
     * file systems without POSIX permissions).
     */
    static String unsafeMode(Path path) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException e) {
            return null;
        }
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 0400 >> permission.ordinal(); // OWNER_READ is ordinal 0 ... OTHERS_EXECUTE 8
        }
        return (mode & 077) == 0 ? null : String.format("%04o", mode);
    }

    private static FileChannel createOwnerOnly(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            return FileChannel.open(file, options, ownerOnly);
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, options); // no POSIX permissions on this file system
        }
    }

    /** Makes the complete temporary file appear at {@code target} at once, never replacing a file. */
    private static void publish(Path temporary, Path target, Path path) throws IOException {
        try {
            Files.createLink(target, temporary);
        } catch (FileAlreadyExistsException e) {
            throw exists(path);
        } catch (UnsupportedOperationException | IOException e) {
            // no hard links here: rename, after checking again (a narrow race, on odd file systems only)
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw exists(path);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void createDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(directory);
        }
    }

    private static void checkField(Map<String, String> fields, String name, String expected, Path path) {
        String value = fields.get(name);
        if (value != null && !value.equals(expected)) {
            throw invalid(path, "its \"" + name + "\" field does not match its private key");
        }
    }

    private static IdentityException exists(Path path) {
        return new IdentityException("a key file already exists at " + path + "; minbus never overwrites a secret"
                + " key. Move it away first if you really mean to replace that identity.");
    }

    private static IdentityException invalid(Path path, String why) {
        return new IdentityException("the key file " + path + " is not a usable ed25519 key file: " + why);
    }
}
