package io.minbus.host.internal;

import io.minbus.host.Ed25519Keys;
import io.minbus.host.PluginException;
import io.minbus.host.PluginVerificationException;
import io.minbus.host.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Verifies an executable and writes the verified bytes to a private copy, which is what runs: the
 * bytes are read once into memory, checked, and written to a fresh mode-0700 directory, so a file
 * swapped after the check is never executed.
 */
final class Verifier {

    /** Largest executable the host reads into memory. */
    static final long MAX_BYTES = 1L << 30;

    private Verifier() {}

    /**
     * Reads {@code executable}, checks it against {@code verification} and writes the checked bytes
     * to {@code <baseDir>/<name>-<random>/<file name>} (directory and file mode 0700).
     *
     * @return the copy to execute
     * @throws PluginVerificationException if the bytes do not match (nothing is written)
     */
    static Path verifyAndCopy(String pluginName, Path executable, Verification verification, Path baseDir) {
        byte[] bytes = read(pluginName, executable);
        String actual = HexFormat.of().formatHex(sha256(bytes));
        switch (verification) {
            case Verification.Sha256 s -> {
                if (!MessageDigest.isEqual(s.digest(), HexFormat.of().parseHex(actual))) {
                    throw new PluginVerificationException(executable, "plugin '" + pluginName + "' was not started: "
                            + executable + " does not match its expected SHA-256: expected " + s.hex() + ", actual "
                            + actual + " (the file changed, or the expected hash is out of date)", s.hex(), actual);
                }
            }
            case Verification.Ed25519 e -> {
                if (!signedByAny(bytes, e.signature(), e.trustedKeys())) {
                    String keys = describe(e.trustedKeys());
                    throw new PluginVerificationException(executable, "plugin '" + pluginName + "' was not started: "
                            + "the Ed25519 signature of " + executable + " (SHA-256 " + actual
                            + ") does not verify with any trusted key (" + keys + ")", "signed by one of " + keys, actual);
                }
            }
        }
        return writeCopy(pluginName, executable, bytes, baseDir);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] read(String pluginName, Path executable) {
        try (InputStream in = Files.newInputStream(executable)) {
            byte[] bytes = in.readNBytes((int) Math.min(MAX_BYTES + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > MAX_BYTES) {
                throw new PluginVerificationException(executable, "plugin '" + pluginName + "' was not started: "
                        + executable + " is larger than " + MAX_BYTES + " bytes, too large to verify in memory", "", "");
            }
            return bytes;
        } catch (IOException e) {
            throw new PluginVerificationException(executable, "plugin '" + pluginName + "' was not started: cannot read "
                    + executable + " to verify it: " + e, "", "");
        }
    }

    private static boolean signedByAny(byte[] bytes, byte[] signature, List<PublicKey> keys) {
        for (PublicKey key : keys) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(bytes);
                if (s.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // a key that cannot verify is a key that did not sign
            }
        }
        return false;
    }

    private static String describe(List<PublicKey> keys) {
        List<String> names = new ArrayList<>();
        for (PublicKey k : keys) {
            try {
                names.add(Base64.getEncoder().encodeToString(Ed25519Keys.raw(k)));
            } catch (IllegalArgumentException e) {
                names.add(k.getAlgorithm() + " key");
            }
        }
        return String.join(", ", names);
    }

    private static Path writeCopy(String pluginName, Path executable, byte[] bytes, Path baseDir) {
        Path base = PrivateDirectory.ensure(baseDir);
        try {
            Path dir = Files.createTempDirectory(base, pluginName.replaceAll("[^A-Za-z0-9._-]", "_") + "-",
                    PosixFilePermissions.asFileAttribute(PrivateDirectory.OWNER_ONLY));
            Files.setPosixFilePermissions(dir, PrivateDirectory.OWNER_ONLY);
            Path copy = dir.resolve(executable.getFileName().toString());
            try (SeekableByteChannel ch = Files.newByteChannel(copy,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PrivateDirectory.OWNER_ONLY))) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            Files.setPosixFilePermissions(copy, PrivateDirectory.OWNER_ONLY);
            return copy;
        } catch (IOException e) {
            throw new PluginException("plugin '" + pluginName + "' was not started: cannot write its verified copy under "
                    + base + ": " + e, e);
        }
    }
}
