package io.minbus.host.internal;

import io.minbus.host.PluginSpec;
import io.minbus.host.PluginStartException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the file a spec's {@code argv[0]} names, the way a shell would. */
final class Executables {

    private Executables() {}

    /**
     * Resolves {@code argv[0]}: a name without a slash is looked up in {@code PATH}; a relative path
     * is resolved against the working directory (the spec's, else the host's).
     *
     * @throws PluginStartException if there is no such executable file
     */
    static Path resolve(PluginSpec spec) {
        String exe = spec.executable();
        if (exe.indexOf('/') < 0) {
            String path = spec.environment().getOrDefault("PATH", System.getenv().getOrDefault("PATH", ""));
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, exe);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toAbsolutePath().normalize();
                }
            }
            throw notStarted(spec, "executable '" + exe + "' was not found in PATH (" + path + ")");
        }
        Path p = Path.of(exe);
        if (!p.isAbsolute()) {
            p = spec.workingDirectory().orElse(Path.of("").toAbsolutePath()).resolve(p);
        }
        p = p.normalize();
        if (!Files.exists(p)) {
            throw notStarted(spec, "executable " + p + " does not exist");
        }
        if (!Files.isRegularFile(p)) {
            throw notStarted(spec, p + " is not a regular file");
        }
        if (!Files.isExecutable(p)) {
            throw notStarted(spec, p + " is not executable (chmod +x it)");
        }
        return p;
    }

    static PluginStartException notStarted(PluginSpec spec, String why) {
        return new PluginStartException(spec.name(), "plugin '" + spec.name() + "' was not started: " + why,
                -1, List.of(), false, null);
    }
}
