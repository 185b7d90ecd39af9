package io.minbus.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes small {@code /bin/sh} plugins for tests. */
public final class Scripts {

    private Scripts() {}

    /**
     * Writes an executable {@code #!/bin/sh} script.
     *
     * @param dir where
     * @param name its file name
     * @param body the script after the shebang line
     */
    public static Path sh(Path dir, String name, String body) {
        Path p = dir.resolve(name);
        try {
            Files.writeString(p, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The line a script runs to tell {@link FileReadiness} it is ready. */
    public static final String SIGNAL_READY = "touch \"$READY_DIR/$MINBUS_PLUGIN_SECRET\"";
}
