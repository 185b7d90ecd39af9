package io.minbus.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the host needs to launch one plugin: what to run, how, and how to supervise it.
 * Immutable; build with {@link #builder(Path)} or {@link #builder(List)}, or read from a manifest
 * ({@link PluginManifest}).
 *
 * <p>Defaults: name from the executable's file name (a leading {@code minbus-plugin-} removed); the
 * host's environment plus the additions (any inherited {@code MINBUS_*} variable is removed first);
 * the host's working directory; {@link RestartPolicy#never()}; start timeout 30s; {@link
 * StopTimeouts#DEFAULT}; no wrapper; no sandbox; {@link StdinMode#CLOSED}; no verification.
 */
public final class PluginSpec {

    /** Default time a plugin has to become ready. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    /** The file-name prefix of plugin executables, removed when deriving a name. */
    public static final String EXECUTABLE_PREFIX = "minbus-plugin-";

    private final List<String> argv;
    private final String name;
    private final Integer version;
    private final Map<String, String> environment;
    private final boolean inheritEnvironment;
    private final Path workingDirectory;
    private final RestartPolicy restartPolicy;
    private final Duration startTimeout;
    private final StopTimeouts stopTimeouts;
    private final List<String> wrapper;
    private final Sandbox sandbox;
    private final StdinMode stdin;
    private final Verification verification;
    private final boolean pipeSession;

    private PluginSpec(Builder b) {
        argv = List.copyOf(b.argv);
        name = b.name != null ? b.name : defaultName(argv.get(0));
        checkName(name);
        version = b.version;
        environment = Map.copyOf(b.environment);
        inheritEnvironment = b.inheritEnvironment;
        workingDirectory = b.workingDirectory;
        restartPolicy = b.restartPolicy;
        startTimeout = b.startTimeout;
        stopTimeouts = b.stopTimeouts;
        wrapper = List.copyOf(b.wrapper);
        sandbox = b.sandbox;
        stdin = b.stdin;
        verification = b.verification;
        pipeSession = b.pipeSession;
        if (pipeSession && stdin == StdinMode.INHERIT) {
            throw new IllegalArgumentException("plugin '" + name + "': a pipe session needs the plugin's stdin;"
                    + " it cannot be combined with StdinMode.INHERIT");
        }
    }

    /** A spec that runs {@code executable} with no arguments and every default. */
    public static PluginSpec of(Path executable) {
        return builder(executable).build();
    }

    /** A builder for running {@code executable} (more arguments with {@link Builder#args}). */
    public static Builder builder(Path executable) {
        return new Builder(List.of(executable.toString()));
    }

    /** A builder for running {@code argv}: the executable (a path, or a name looked up in PATH) and its arguments. */
    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(argv);
        b.name = name;
        b.version = version;
        b.environment.putAll(environment);
        b.inheritEnvironment = inheritEnvironment;
        b.workingDirectory = workingDirectory;
        b.restartPolicy = restartPolicy;
        b.startTimeout = startTimeout;
        b.stopTimeouts = stopTimeouts;
        b.wrapper.addAll(wrapper);
        b.sandbox = sandbox;
        b.stdin = stdin;
        b.verification = verification;
        b.pipeSession = pipeSession;
        return b;
    }

    /**
     * Whether the plugin's bus session runs over its stdin and stdout (pipe mode, docs/host.md
     * section 14) instead of a connection to {@code MINBUS_ADDRESS}.
     */
    public boolean pipeSession() {
        return pipeSession;
    }

    /** The executable (a path, or a bare name looked up in PATH) followed by its arguments. */
    public List<String> argv() {
        return argv;
    }

    /** The executable: {@code argv().get(0)}. */
    public String executable() {
        return argv.get(0);
    }

    /** The plugin's name: logger {@code minbus.plugin.<name>}, {@code MINBUS_PLUGIN_NAME}. */
    public String name() {
        return name;
    }

    /** The plugin's version, if declared. */
    public OptionalInt version() {
        return version == null ? OptionalInt.empty() : OptionalInt.of(version);
    }

    /** Environment variables added to (or replacing) the inherited ones. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Whether the plugin starts from the host's environment (less {@code MINBUS_*}) or from an empty one. */
    public boolean inheritEnvironment() {
        return inheritEnvironment;
    }

    /** The working directory; absent means the host's. */
    public Optional<Path> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** When the plugin is restarted. */
    public RestartPolicy restartPolicy() {
        return restartPolicy;
    }

    /** How long the plugin has to become ready after its process started. */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** How long each step of stopping may take. */
    public StopTimeouts stopTimeouts() {
        return stopTimeouts;
    }

    /** A command put before the plugin's argv (and before the sandbox), e.g. {@code [nice, -n, 10]}. */
    public List<String> wrapper() {
        return wrapper;
    }

    /** The sandbox, if any. */
    public Optional<Sandbox> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    /** What the plugin's stdin is connected to. */
    public StdinMode stdin() {
        return stdin;
    }

    /** What the executable must match before it runs, if anything. */
    public Optional<Verification> verification() {
        return Optional.ofNullable(verification);
    }

    @Override
    public String toString() {
        return "PluginSpec[" + name + " " + argv + "]";
    }

    static String defaultName(String executable) {
        String file = Path.of(executable).getFileName().toString();
        if (file.startsWith(EXECUTABLE_PREFIX) && file.length() > EXECUTABLE_PREFIX.length()) {
            return file.substring(EXECUTABLE_PREFIX.length());
        }
        return file;
    }

    private static void checkName(String name) {
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > 255) {
            throw new IllegalArgumentException("a plugin name has 1 to 255 bytes of UTF-8, got " + bytes + ": '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("a plugin name has no spaces or control characters: '" + name + "'");
            }
        }
    }

    /** Builds a {@link PluginSpec}. Not thread-safe. */
    public static final class Builder {
        private final List<String> argv = new ArrayList<>();
        private String name;
        private Integer version;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean inheritEnvironment = true;
        private Path workingDirectory;
        private RestartPolicy restartPolicy = RestartPolicy.never();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private StopTimeouts stopTimeouts = StopTimeouts.DEFAULT;
        private final List<String> wrapper = new ArrayList<>();
        private Sandbox sandbox;
        private StdinMode stdin = StdinMode.CLOSED;
        private Verification verification;
        private boolean pipeSession;

        private Builder(List<String> argv) {
            if (argv.isEmpty() || argv.get(0).isEmpty()) {
                throw new IllegalArgumentException("argv needs at least the executable");
            }
            argv.forEach(a -> this.argv.add(Objects.requireNonNull(a, "argv element")));
        }

        /** Appends arguments. */
        public Builder args(String... args) {
            for (String a : args) {
                argv.add(Objects.requireNonNull(a, "argument"));
            }
            return this;
        }

        /** Sets the plugin's name (1 to 255 bytes of UTF-8, no spaces). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Sets the plugin's version (0..65535). */
        public Builder version(int version) {
            if (version < 0 || version > 0xFFFF) {
                throw new IllegalArgumentException("a plugin version is 0..65535, got " + version);
            }
            this.version = version;
            return this;
        }

        /**
         * Adds an environment variable.
         *
         * @throws IllegalArgumentException for a {@code MINBUS_*} name: those belong to the host
         */
        public Builder environment(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.startsWith("MINBUS_")) {
                throw new IllegalArgumentException("environment variable " + key
                        + " is set by the host and cannot be given in a plugin spec");
            }
            if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("not a valid environment variable: '" + key + "'");
            }
            environment.put(key, value);
            return this;
        }

        /** Adds environment variables. */
        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::environment);
            return this;
        }

        /** Whether to start from the host's environment (default true) or an empty one. */
        public Builder inheritEnvironment(boolean inherit) {
            this.inheritEnvironment = inherit;
            return this;
        }

        /** Sets the working directory. */
        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir.toAbsolutePath().normalize();
            return this;
        }

        /** Sets the restart policy. */
        public Builder restartPolicy(RestartPolicy policy) {
            this.restartPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Sets how long the plugin has to become ready (positive). */
        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive: " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /** Sets the stop timeouts. */
        public Builder stopTimeouts(StopTimeouts timeouts) {
            this.stopTimeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** Sets the wrapper command put before the plugin's argv (replacing any earlier one). */
        public Builder wrapper(List<String> command) {
            wrapper.clear();
            command.forEach(c -> wrapper.add(Objects.requireNonNull(c, "wrapper element")));
            return this;
        }

        /** Runs the plugin in a sandbox. */
        public Builder sandbox(Sandbox sandbox) {
            this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
            return this;
        }

        /** Sets what stdin is connected to. */
        public Builder stdin(StdinMode mode) {
            this.stdin = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Pipe mode (default false): the plugin's bus session runs over its stdin and stdout, which
         * the host bridges into its bus; {@code MINBUS_ADDRESS} is then {@code pipe:stdio}, {@code
         * MINBUS_STDIN} is {@code pipe}, and only stderr is forwarded to the log.
         */
        public Builder pipeSession(boolean pipes) {
            this.pipeSession = pipes;
            return this;
        }

        /** Requires the executable's SHA-256 to be {@code hex} (64 hex digits, optionally prefixed {@code sha256:}). */
        public Builder expectSha256(String hex) {
            this.verification = Verification.sha256(hex);
            return this;
        }

        /** Requires any verification. */
        public Builder verification(Verification verification) {
            this.verification = Objects.requireNonNull(verification, "verification");
            return this;
        }

        /** Requires an Ed25519 signature over the executable by one of the trusted keys. */
        public Builder expectSignature(byte[] signature, List<java.security.PublicKey> trustedKeys) {
            this.verification = new Verification.Ed25519(signature, trustedKeys);
            return this;
        }

        /** Builds the spec. */
        public PluginSpec build() {
            return new PluginSpec(this);
        }
    }
}
