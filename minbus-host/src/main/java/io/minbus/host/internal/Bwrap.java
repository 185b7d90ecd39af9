package io.minbus.host.internal;

import io.minbus.host.Sandbox;
import io.minbus.host.SandboxUnavailableException;
import io.minbus.host.StdinMode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Turns a {@link Sandbox} into bubblewrap arguments, and checks that bubblewrap works here. The
 * layout is documented on {@link Sandbox} and in {@code docs/host.md}.
 */
final class Bwrap {

    /** System paths visible read-only in every sandbox (those that exist; symlinks stay symlinks). */
    static final List<String> SYSTEM_PATHS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc");

    private static final String HINT = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or remove the"
            + " sandbox from the plugin's spec or manifest";

    private Bwrap() {}

    /**
     * The bwrap executable to use.
     *
     * @throws SandboxUnavailableException if there is none
     */
    static Path locate(String pluginName, Path configured) {
        if (configured != null) {
            if (Files.isRegularFile(configured) && Files.isExecutable(configured)) {
                return configured;
            }
            throw new SandboxUnavailableException(unavailable(pluginName, "bubblewrap was configured at " + configured
                    + ", which is not an executable file") + "; " + HINT);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "bwrap");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new SandboxUnavailableException(unavailable(pluginName, "bubblewrap (bwrap) is not installed: not found in PATH ("
                + path + ")") + "; " + HINT);
    }

    /**
     * Runs {@code bwrap} once with the namespaces a sandbox uses, to find out whether it can create
     * them here.
     *
     * @return empty if it works, else what bwrap said
     */
    static Optional<String> probe(Path bwrap) {
        ProcessBuilder pb = new ProcessBuilder(bwrap.toString(), "--unshare-all", "--die-with-parent",
                "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectErrorStream(false);
        try {
            Process p = pb.start();
            byte[] err = p.getErrorStream().readNBytes(4096);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("bwrap did not finish a trial run within 10s");
            }
            if (p.exitValue() == 0) {
                return Optional.empty();
            }
            String said = new String(err, StandardCharsets.UTF_8).strip();
            return Optional.of("a trial run of " + bwrap + " exited with code " + p.exitValue()
                    + (said.isEmpty() ? "" : ": " + said));
        } catch (IOException e) {
            return Optional.of("cannot run " + bwrap + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while trying bwrap");
        }
    }

    static String unavailable(String pluginName, String why) {
        return "plugin '" + pluginName + "' was not started: it declares a sandbox that cannot be applied: " + why;
    }

    static String namespacesHint() {
        return "bubblewrap cannot create namespaces on this machine; allow unprivileged user namespaces"
                + " (e.g. sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0),"
                + " run the host outside a container that forbids them, or remove the sandbox";
    }

    /**
     * The bwrap command line up to and including {@code --}; the plugin's argv follows.
     *
     * @param executable the file that will be executed (bound read-only at the same path)
     * @param workingDirectory the plugin's working directory, if set (must be visible in the sandbox)
     * @param address the bus address (a {@code unix:} socket is bound in)
     */
    static List<String> arguments(String pluginName, Path bwrap, Sandbox sandbox, Path executable,
            Optional<Path> workingDirectory, String address, StdinMode stdin) {
        List<String> a = new ArrayList<>(List.of(bwrap.toString(), "--die-with-parent", "--unshare-all"));
        if (sandbox.network()) {
            a.add("--share-net");
        }
        if (stdin != StdinMode.INHERIT) {
            a.add("--new-session"); // no TIOCSTI into the host's terminal
        }
        for (String sys : SYSTEM_PATHS) {
            Path p = Path.of(sys);
            if (Files.isSymbolicLink(p)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), sys));
                } catch (IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--ro-bind", sys, sys));
            }
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Path p : sandbox.readOnly()) {
            requireExists(pluginName, p, "readOnly");
            a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        }
        for (Path p : sandbox.writable()) {
            requireExists(pluginName, p, "writable");
            a.addAll(List.of("--bind", p.toString(), p.toString()));
        }
        a.addAll(List.of("--ro-bind", executable.toString(), executable.toString()));
        if (address.startsWith("unix:")) {
            String socket = address.substring("unix:".length());
            int tilde = socket.indexOf('~');
            socket = tilde >= 0 ? socket.substring(0, tilde) : socket;
            a.addAll(List.of("--bind-try", socket, socket));
        } else if (!sandbox.network()) {
            throw new SandboxUnavailableException(unavailable(pluginName, "its sandbox has no network, but the bus address "
                    + address + " is not a unix: socket; allow the network in the sandbox or use a unix: bus address"));
        }
        Path wd = workingDirectory.orElse(Path.of("").toAbsolutePath());
        if (visible(wd, sandbox)) {
            a.addAll(List.of("--chdir", wd.toString()));
        } else if (workingDirectory.isPresent()) {
            throw new SandboxUnavailableException(unavailable(pluginName, "its working directory " + wd
                    + " is not visible in its sandbox; add it to the sandbox's readOnly or writable paths"));
        } else {
            a.addAll(List.of("--chdir", "/"));
        }
        a.add("--");
        return a;
    }

    private static boolean visible(Path dir, Sandbox sandbox) {
        for (Path p : sandbox.readOnly()) {
            if (dir.startsWith(p)) {
                return true;
            }
        }
        for (Path p : sandbox.writable()) {
            if (dir.startsWith(p)) {
                return true;
            }
        }
        for (String sys : SYSTEM_PATHS) {
            if (dir.startsWith(sys)) {
                return true;
            }
        }
        return false;
    }

    private static void requireExists(String pluginName, Path p, String field) {
        if (!Files.exists(p)) {
            throw new SandboxUnavailableException(unavailable(pluginName, "its sandbox's " + field + " path " + p
                    + " does not exist (create it first)"));
        }
    }
}
