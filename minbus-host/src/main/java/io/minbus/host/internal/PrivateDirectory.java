package io.minbus.host.internal;

import io.minbus.host.PluginException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/** Directories only the current user can enter (mode 0700), for verified executables. */
final class PrivateDirectory {

    static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private PrivateDirectory() {}

    /** {@code $XDG_RUNTIME_DIR/minbus/verified}, else {@code <java.io.tmpdir>/minbus-<user>/verified}. */
    static Path defaultVerifiedDirectory() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "minbus", "verified");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "minbus-" + System.getProperty("user.name"), "verified");
    }

    /**
     * Creates {@code dir} (and missing parents) with mode 0700, or checks an existing one: it must be
     * a real directory (not a symlink) owned by this user, in a directory owned by this user or root;
     * its mode is set to 0700.
     *
     * @throws PluginException if it cannot be created or is not private
     */
    static Path ensure(Path dir) {
        try {
            create(dir);
            PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            UserPrincipal me = currentUser(dir);
            if (!attrs.isDirectory()) {
                throw new PluginException(dir + " is not a directory (a symbolic link?); refusing to keep verified plugins there");
            }
            if (!attrs.owner().equals(me)) {
                throw new PluginException(dir + " belongs to " + attrs.owner().getName()
                        + ", not to this user; refusing to keep verified plugins there (set Launcher.Builder.verifiedDirectory)");
            }
            Path parent = dir.getParent();
            if (parent != null) {
                UserPrincipal parentOwner = Files.getOwner(parent);
                if (!parentOwner.equals(me) && !parentOwner.getName().equals("root")) {
                    throw new PluginException(parent + " belongs to " + parentOwner.getName()
                            + ", who could replace " + dir + "; refusing to keep verified plugins there"
                            + " (set Launcher.Builder.verifiedDirectory)");
                }
            }
            if (!attrs.permissions().equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            }
            return dir;
        } catch (IOException e) {
            throw new PluginException("cannot prepare the private directory " + dir + " for verified plugins: " + e, e);
        }
    }

    /** The owner of a file this process creates: the current user, as the file system sees it. */
    private static UserPrincipal currentUser(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, ".owner-probe", "");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static void create(Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        create(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        } catch (FileAlreadyExistsException e) {
            // made by someone else meanwhile; ensure() checks it
        }
    }

    /** Deletes a directory tree, ignoring what cannot be deleted. */
    static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left behind; it is in a private directory
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }
}
