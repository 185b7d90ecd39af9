package io.minbus.host;

import io.minbus.client.BusGoneException;
import io.minbus.client.BusUnreachableException;
import java.util.function.Consumer;

/**
 * The {@code main} of a Java plugin in one call: start a {@link PluginRuntime}, let the plugin set
 * itself up, serve until the host asks it to stop, exit.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     PluginMain.run(PluginRuntime.builder().version(1), rt ->
 *             rt.plugin().onConnect(ch -> { while (true) ch.send(ch.receive()); }));
 * }
 * }</pre>
 *
 * <p>Exit statuses: 0 after a stop request; 2 when run by hand (with {@link
 * PluginEnvironment#NOT_LAUNCHED_MESSAGE} on stderr); 3 when the host and the plugin share no
 * protocol version (the message names both); 75 ({@link #EXIT_CONNECTION_LOST}) when the bus could
 * not be reached at start, or the bus connection or the host's control channel was lost later (a
 * restart policy {@code on-failure} brings the plugin back once the bus is back); 1 for any other
 * failure (the message on stderr).
 */
public final class PluginMain {

    /** Exit status when the process was not started by a host. */
    public static final int EXIT_NOT_LAUNCHED = 2;
    /** Exit status when no protocol version is common to host and plugin. */
    public static final int EXIT_VERSION_MISMATCH = 3;
    /** Exit status for other start failures. */
    public static final int EXIT_FAILED = 1;
    /**
     * Exit status when the bus was not reachable at start, or the bus connection or the host's
     * control channel ended without a stop request: 75, {@code EX_TEMPFAIL} of sysexits.h ("try
     * again later"). Not 0, so that {@link RestartPolicy#onFailure()} restarts the plugin.
     */
    public static final int EXIT_CONNECTION_LOST = 75;

    private PluginMain() {}

    /** {@link #run(PluginRuntime.Builder, Consumer)} with default options and plugin version {@code version}. */
    public static void run(int version, Consumer<PluginRuntime> setup) {
        run(PluginRuntime.builder().version(version), setup);
    }

    /** Starts the runtime, calls {@code setup}, waits for the stop request, closes and exits; never returns. */
    public static void run(PluginRuntime.Builder options, Consumer<PluginRuntime> setup) {
        PluginRuntime rt;
        try {
            rt = options.start();
        } catch (NotLaunchedByHostException e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_NOT_LAUNCHED);
            return;
        } catch (ProtocolVersionException e) {
            System.err.println("minbus plugin " + System.getenv(PluginEnvironment.PLUGIN_NAME) + ": " + e.getMessage());
            System.exit(EXIT_VERSION_MISMATCH);
            return;
        } catch (BusUnreachableException | BusGoneException e) {
            System.err.println("minbus plugin " + System.getenv(PluginEnvironment.PLUGIN_NAME) + ": the bus at "
                    + System.getenv(PluginEnvironment.ADDRESS) + " is not reachable: " + e.getMessage() + "; exiting with status "
                    + EXIT_CONNECTION_LOST + " (the host's restart policy starts this plugin again later)");
            System.exit(EXIT_CONNECTION_LOST);
            return;
        } catch (RuntimeException e) {
            System.err.println("minbus plugin " + System.getenv(PluginEnvironment.PLUGIN_NAME) + ": could not start: " + e.getMessage());
            System.exit(EXIT_FAILED);
            return;
        }
        try {
            setup.accept(rt);
            String why = rt.awaitStop();
            System.err.println("minbus plugin " + rt.environment().pluginName() + ": stopping (" + why + ")"
                    + (rt.connectionLost() ? "; exiting with status " + EXIT_CONNECTION_LOST
                            + " (the host's restart policy starts this plugin again once the bus is back)" : ""));
        } catch (RuntimeException e) {
            System.err.println("minbus plugin " + rt.environment().pluginName() + ": failed: " + e);
            rt.close();
            System.exit(EXIT_FAILED);
        }
        rt.close();
        System.exit(rt.connectionLost() ? EXIT_CONNECTION_LOST : 0);
    }
}
