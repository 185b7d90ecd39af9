package io.minbus.host;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The isolation a plugin asks for, applied with bubblewrap ({@code bwrap}). Inside the sandbox:
 * the system directories ({@code /usr}, {@code /bin}, {@code /sbin}, {@code /lib*}, {@code /etc})
 * read-only, a fresh {@code /dev}, {@code /proc} and {@code /tmp}, the plugin executable read-only,
 * the bus socket, the listed read-only and writable paths, and nothing else. All namespaces are
 * unshared (so the plugin sees only its own processes); the network only if {@code network} is true.
 * The sandbox dies with the host ({@code --die-with-parent}).
 *
 * <p>If the sandbox cannot be applied the plugin is not started ({@link SandboxUnavailableException}).
 *
 * @param readOnly paths (files or directories) visible read-only, at the same place
 * @param writable paths visible read-write, at the same place; they must exist
 * @param network whether the plugin may use the network (a Unix-socket bus works either way)
 */
public record Sandbox(List<Path> readOnly, List<Path> writable, boolean network) {

    /** Checks and copies the arguments; paths are made absolute. */
    public Sandbox {
        readOnly = absolute(readOnly, "readOnly");
        writable = absolute(writable, "writable");
    }

    /** A sandbox with no extra paths and no network. */
    public static Sandbox strict() {
        return new Sandbox(List.of(), List.of(), false);
    }

    /** This sandbox with more read-only paths. */
    public Sandbox withReadOnly(Path... paths) {
        return new Sandbox(concat(readOnly, paths), writable, network);
    }

    /** This sandbox with more writable paths. */
    public Sandbox withWritable(Path... paths) {
        return new Sandbox(readOnly, concat(writable, paths), network);
    }

    /** This sandbox with the network on or off. */
    public Sandbox withNetwork(boolean on) {
        return new Sandbox(readOnly, writable, on);
    }

    private static List<Path> concat(List<Path> a, Path[] b) {
        var all = new java.util.ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    private static List<Path> absolute(List<Path> paths, String what) {
        Objects.requireNonNull(paths, what);
        return paths.stream().map(p -> Objects.requireNonNull(p, what).toAbsolutePath().normalize()).toList();
    }
}
