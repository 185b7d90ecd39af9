package io.minbus.host;

import io.minbus.host.internal.ManifestParser;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;

/**
 * Plugin manifests: {@code *.plugin.json} files that describe how to launch a plugin (name, command,
 * version, restart policy, timeouts, environment, stdin, verification, sandbox). The format, with a
 * full example, is in {@code docs/host.md}. Relative paths in a manifest are relative to its
 * directory, which is also the plugin's default working directory.
 */
public final class PluginManifest {

    /** The file-name suffix of manifests. */
    public static final String SUFFIX = ".plugin.json";

    private PluginManifest() {}

    /**
     * Reads a manifest that is not signed.
     *
     * @throws ManifestException naming the file and the field at fault
     */
    public static PluginSpec read(Path file) {
        return read(file, List.of());
    }

    /**
     * Reads a manifest whose {@code signature}, if any, must be by one of {@code trustedKeys}.
     *
     * @throws ManifestException naming the file and the field at fault
     */
    public static PluginSpec read(Path file, List<PublicKey> trustedKeys) {
        return ManifestParser.parse(file, trustedKeys);
    }
}
