package io.minbus.host;

import io.minbus.host.internal.HostWatcher;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The plugin side of the launch environment contract (see {@code docs/host.md}): what a host put
 * in a plugin's environment, read back and checked. Used by the plugin SDK; usable by any Java
 * plugin.
 *
 * <pre>{@code
 * PluginEnvironment env;
 * try {
 *     env = PluginEnvironment.fromEnvironment();
 * } catch (NotLaunchedByHostException e) {
 *     System.err.println(e.getMessage());
 *     System.exit(2);
 * }
 * env.watchHost();                                  // exit when the host is gone
 * int version = env.negotiate(List.of(1, 2));       // ProtocolVersionException names both sides
 * }</pre>
 */
public final class PluginEnvironment {

    /** The bus address to connect back to, e.g. {@code unix:/run/user/1000/minbus/bus.sock}. */
    public static final String ADDRESS = "MINBUS_ADDRESS";
    /** The one-time secret proving this process is the one the host started: 64 hex digits (32 random bytes). */
    public static final String SECRET = "MINBUS_PLUGIN_SECRET";
    /** The protocol versions the host offers, e.g. {@code 1} or {@code 1,2}. */
    public static final String PROTOCOL_VERSIONS = "MINBUS_PROTOCOL_VERSIONS";
    /** The name the host launched the plugin under. */
    public static final String PLUGIN_NAME = "MINBUS_PLUGIN_NAME";
    /** The host's process id (absent inside a sandbox, whose process namespace hides the host). */
    public static final String HOST_PID = "MINBUS_HOST_PID";
    /** The stdin mode: {@code closed}, {@code pipe} or {@code inherit} (see {@link StdinMode}). */
    public static final String STDIN = "MINBUS_STDIN";

    /**
     * The {@code MINBUS_ADDRESS} of a plugin in pipe mode ({@link PluginSpec#pipeSession()}): its bus
     * session runs over its own stdin and stdout.
     */
    public static final String PIPE_ADDRESS = "pipe:stdio";

    /** What a plugin run by hand should print (then exit non-zero). */
    public static final String NOT_LAUNCHED_MESSAGE =
            "This is a minbus plugin; it is started by a minbus host (e.g. `minbus launch PATH`), not directly.";

    /** How often {@link #watchHost()} checks that the host process is alive. */
    public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofMillis(500);

    private final String address;
    private final String secret;
    private final List<Integer> protocolVersions;
    private final String pluginName;
    private final long hostPid;
    private final StdinMode stdin;

    private PluginEnvironment(String address, String secret, List<Integer> protocolVersions, String pluginName,
            long hostPid, StdinMode stdin) {
        this.address = address;
        this.secret = secret;
        this.protocolVersions = protocolVersions;
        this.pluginName = pluginName;
        this.hostPid = hostPid;
        this.stdin = stdin;
    }

    /**
     * Reads this process's environment.
     *
     * @throws NotLaunchedByHostException with {@link #NOT_LAUNCHED_MESSAGE} if the host's variables
     *     are absent, or a message naming the variable that is missing or malformed
     */
    public static PluginEnvironment fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * Reads the given environment.
     *
     * @throws NotLaunchedByHostException as {@link #fromEnvironment()}
     */
    public static PluginEnvironment from(Map<String, String> env) {
        String secret = env.get(SECRET);
        if (secret == null || secret.isEmpty()) {
            throw new NotLaunchedByHostException(NOT_LAUNCHED_MESSAGE);
        }
        if (secret.length() != 64 || !isHex(secret)) {
            throw incomplete(SECRET + " is not 64 hex digits");
        }
        String address = required(env, ADDRESS);
        String name = required(env, PLUGIN_NAME);
        List<Integer> versions;
        try {
            versions = ProtocolVersions.parse(required(env, PROTOCOL_VERSIONS));
        } catch (NotLaunchedByHostException e) {
            throw e;
        } catch (PluginException e) {
            throw incomplete(e.getMessage());
        }
        long hostPid = -1;
        String pid = env.get(HOST_PID);
        if (pid != null && !pid.isEmpty()) {
            try {
                hostPid = Long.parseLong(pid);
            } catch (NumberFormatException e) {
                throw incomplete(HOST_PID + "='" + pid + "' is not a process id");
            }
        }
        StdinMode stdin = StdinMode.CLOSED;
        String mode = env.get(STDIN);
        if (mode != null && !mode.isEmpty()) {
            try {
                stdin = StdinMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw incomplete(STDIN + "='" + mode + "' is not closed, pipe or inherit");
            }
        }
        return new PluginEnvironment(address, secret, versions, name, hostPid, stdin);
    }

    /** {@code MINBUS_ADDRESS}. */
    public String address() {
        return address;
    }

    /** {@code MINBUS_PLUGIN_SECRET}, 64 hex digits; present it to the bus once, and do not pass it on to child processes. */
    public String secret() {
        return secret;
    }

    /** {@code MINBUS_PROTOCOL_VERSIONS}, ascending. */
    public List<Integer> protocolVersions() {
        return protocolVersions;
    }

    /** {@code MINBUS_PLUGIN_NAME}. */
    public String pluginName() {
        return pluginName;
    }

    /** {@code MINBUS_HOST_PID}, absent in a sandbox. */
    public OptionalLong hostPid() {
        return hostPid < 0 ? OptionalLong.empty() : OptionalLong.of(hostPid);
    }

    /** {@code MINBUS_STDIN}. */
    public StdinMode stdin() {
        return stdin;
    }

    /**
     * The highest protocol version both the host and this plugin speak.
     *
     * @param supported the versions this plugin speaks
     * @throws ProtocolVersionException naming the host's and the plugin's versions if there is none
     */
    public int negotiate(List<Integer> supported) {
        return ProtocolVersions.negotiate(protocolVersions, supported);
    }

    /**
     * Exits this process (status 0, after printing a line to stderr) when the host is gone; see
     * {@link #watchHost(Duration, Runnable)}.
     */
    public HostWatch watchHost() {
        return watchHost(DEFAULT_WATCH_INTERVAL, () -> {
            System.err.println("minbus plugin " + pluginName + ": the host is gone; exiting");
            System.exit(0);
        });
    }

    /**
     * Runs {@code onHostGone} once, on a daemon thread, when the host is gone: when the process
     * {@code MINBUS_HOST_PID} is no longer alive (checked every {@code interval}; the check
     * recognises a reused process id), or, in {@link StdinMode#CLOSED} mode, when stdin reads
     * end-of-file (the host closed it or died; this watch then owns stdin). This covers a host
     * killed with SIGKILL, which cannot clean up after itself.
     *
     * @param interval how often to check the host's process id
     * @param onHostGone what to do, typically exit
     * @return a handle that cancels the watch
     */
    public HostWatch watchHost(Duration interval, Runnable onHostGone) {
        Objects.requireNonNull(onHostGone, "onHostGone");
        return HostWatcher.start(hostPid, stdin == StdinMode.CLOSED, interval, onHostGone)::cancel;
    }

    /** Names the plugin and address; never shows the secret. */
    @Override
    public String toString() {
        return "PluginEnvironment[" + pluginName + " at " + address + " versions " + protocolVersions + "]";
    }

    /** A running {@link #watchHost} watch. */
    @FunctionalInterface
    public interface HostWatch extends AutoCloseable {
        /** Stops watching; {@code onHostGone} will not run after this returns. */
        @Override
        void close();
    }

    private static String required(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null || v.isEmpty()) {
            throw incomplete(key + " is not set");
        }
        return v;
    }

    private static NotLaunchedByHostException incomplete(String what) {
        return new NotLaunchedByHostException(NOT_LAUNCHED_MESSAGE + " (Its environment is incomplete: " + what + ".)");
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!HexFormat.isHexDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
