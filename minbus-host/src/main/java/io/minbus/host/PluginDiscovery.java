package io.minbus.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds plugins in a list of directories (not recursively), in order: executables whose file name
 * matches a glob (default {@code minbus-plugin-*}), and manifests ({@code *.plugin.json}). The
 * first plugin found with a name wins (a manifest before an executable in the same directory);
 * later ones with the same name are reported as shadowed. Bad manifests do not stop the search: they
 * are reported in {@link Result#problems()}.
 *
 * <p>An executable's name is its file name less the glob's literal prefix ({@code minbus-plugin-kv}
 * is {@code kv}). If trusted keys are configured and a file {@code <executable>.sig} exists (the
 * 64-byte Ed25519 signature, raw or base64), the executable must carry that signature.
 */
public final class PluginDiscovery {

    /** The default glob for plugin executables. */
    public static final String DEFAULT_GLOB = "minbus-plugin-*";

    private final List<Path> directories;
    private final String glob;
    private final List<PublicKey> trustedKeys;

    private PluginDiscovery(List<Path> directories, String glob, List<PublicKey> trustedKeys) {
        this.directories = directories;
        this.glob = glob;
        this.trustedKeys = trustedKeys;
    }

    /**
     * The default directories: the application's plugin directory, {@code
     * $XDG_DATA_HOME/minbus/plugins} (default {@code ~/.local/share/minbus/plugins}), and the working
     * directory.
     */
    public static List<Path> defaultDirectories(Path appPluginDirectory) {
        String data = System.getenv("XDG_DATA_HOME");
        Path dataHome = data != null && !data.isEmpty() ? Path.of(data) : Path.of(System.getProperty("user.home"), ".local", "share");
        return List.of(appPluginDirectory.toAbsolutePath().normalize(),
                dataHome.resolve("minbus").resolve("plugins").toAbsolutePath().normalize(),
                Path.of("").toAbsolutePath());
    }

    /** Discovery in {@link #defaultDirectories} with the default glob and no trusted keys. */
    public static PluginDiscovery defaults(Path appPluginDirectory) {
        return new PluginDiscovery(defaultDirectories(appPluginDirectory), DEFAULT_GLOB, List.of());
    }

    /** Discovery in the given directories, with the default glob and no trusted keys. */
    public static PluginDiscovery in(List<Path> directories) {
        return new PluginDiscovery(directories.stream().map(p -> p.toAbsolutePath().normalize()).toList(), DEFAULT_GLOB,
                List.of());
    }

    /** This discovery with another glob for executables (e.g. {@code myapp-*}). */
    public PluginDiscovery withGlob(String glob) {
        FileSystems.getDefault().getPathMatcher("glob:" + glob); // rejects a bad glob now
        return new PluginDiscovery(directories, glob, trustedKeys);
    }

    /** This discovery with the keys that signatures (manifests' and {@code .sig} files) must be by. */
    public PluginDiscovery withTrustedKeys(List<PublicKey> keys) {
        return new PluginDiscovery(directories, glob, List.copyOf(keys));
    }

    /** The directories searched, in order. */
    public List<Path> directories() {
        return directories;
    }

    /** Searches the directories now. */
    public Result discover() {
        Map<String, DiscoveredPlugin> found = new LinkedHashMap<>();
        List<DiscoveredPlugin> shadowed = new ArrayList<>();
        List<PluginException> problems = new ArrayList<>();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> manifests = new ArrayList<>();
            List<Path> executables = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String file = p.getFileName().toString();
                    if (file.endsWith(PluginManifest.SUFFIX) && Files.isRegularFile(p)) {
                        manifests.add(p);
                    } else if (matcher.matches(p.getFileName()) && !file.endsWith(".sig")
                            && Files.isRegularFile(p) && Files.isExecutable(p)) {
                        executables.add(p);
                    }
                }
            } catch (IOException e) {
                problems.add(new PluginException("cannot list plugin directory " + dir + ": " + e, e));
                continue;
            }
            manifests.sort(null);
            executables.sort(null);
            for (Path m : manifests) {
                try {
                    add(found, shadowed, new DiscoveredPlugin(Kind.MANIFEST, m, PluginManifest.read(m, trustedKeys)));
                } catch (ManifestException e) {
                    problems.add(e);
                }
            }
            for (Path x : executables) {
                try {
                    add(found, shadowed, new DiscoveredPlugin(Kind.EXECUTABLE, x, executableSpec(x)));
                } catch (PluginException | IllegalArgumentException e) {
                    problems.add(e instanceof PluginException pe ? pe : new PluginException(x + ": " + e.getMessage(), e));
                }
            }
        }
        return new Result(List.copyOf(found.values()), List.copyOf(shadowed), List.copyOf(problems));
    }

    private PluginSpec executableSpec(Path exe) {
        PluginSpec.Builder b = PluginSpec.builder(exe).name(nameOf(exe.getFileName().toString()));
        Path sig = exe.resolveSibling(exe.getFileName() + ".sig");
        if (!trustedKeys.isEmpty() && Files.isRegularFile(sig)) {
            b.expectSignature(readSignature(sig), trustedKeys);
        }
        return b.build();
    }

    private String nameOf(String file) {
        int star = glob.indexOf('*');
        String prefix = star > 0 ? glob.substring(0, star) : "";
        if (!prefix.isEmpty() && !prefix.matches(".*[?\\[{\\\\].*") && file.startsWith(prefix) && file.length() > prefix.length()) {
            return file.substring(prefix.length());
        }
        return file;
    }

    private static byte[] readSignature(Path sig) {
        try {
            byte[] raw = Files.readAllBytes(sig);
            if (raw.length == 64) {
                return raw;
            }
            byte[] decoded = Base64.getDecoder().decode(new String(raw, java.nio.charset.StandardCharsets.US_ASCII).strip());
            if (decoded.length != 64) {
                throw new PluginException(sig + ": expected a 64-byte Ed25519 signature (raw or base64), got " + decoded.length + " bytes");
            }
            return decoded;
        } catch (IOException e) {
            throw new PluginException("cannot read signature " + sig + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new PluginException(sig + ": expected a 64-byte Ed25519 signature (raw or base64): " + e.getMessage(), e);
        }
    }

    private static void add(Map<String, DiscoveredPlugin> found, List<DiscoveredPlugin> shadowed, DiscoveredPlugin p) {
        if (found.containsKey(p.name())) {
            shadowed.add(p);
        } else {
            found.put(p.name(), p);
        }
    }

    /** How a plugin was found. */
    public enum Kind {
        /** A manifest file. */
        MANIFEST,
        /** An executable matching the glob. */
        EXECUTABLE
    }

    /**
     * A plugin found by discovery.
     *
     * @param kind how it was found
     * @param source the manifest or executable
     * @param spec how to launch it
     */
    public record DiscoveredPlugin(Kind kind, Path source, PluginSpec spec) {
        /** Checks the arguments. */
        public DiscoveredPlugin {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(spec, "spec");
        }

        /** The plugin's name. */
        public String name() {
            return spec.name();
        }
    }

    /**
     * What a search found.
     *
     * @param plugins one per name, in the order found
     * @param shadowed plugins hidden by an earlier one with the same name
     * @param problems manifests ({@link ManifestException}) and files that could not be used
     */
    public record Result(List<DiscoveredPlugin> plugins, List<DiscoveredPlugin> shadowed, List<PluginException> problems) {
        /** The plugin with this name, if found. */
        public Optional<DiscoveredPlugin> find(String name) {
            return plugins.stream().filter(p -> p.name().equals(name)).findFirst();
        }
    }
}
