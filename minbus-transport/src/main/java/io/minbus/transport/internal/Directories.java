package io.minbus.transport.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Creating the private directories that hold bus sockets. */
final class Directories {

    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private Directories() {}

    /**
     * Creates {@code dir} and any missing parents with mode 0700 (whatever the umask); leaves
     * directories that exist as they are.
     */
    static void createPrivate(Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        createPrivate(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return; // created by someone else meanwhile: theirs
            }
            throw new IOException(dir + " exists and is not a directory", e);
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
    }
}
