package io.minbus.host;

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
 * protocol version (the message names both); 1 for any other failure (the message on stderr).
 */
public final class PluginMain {

    /** Exit status when the process was not started by a host. */
    public static final int EXIT_NOT_LAUNCHED = 2;
    /** Exit status when no protocol version is common to host and plugin. */
    public static final int EXIT_VERSION_MISMATCH = 3;
    /** Exit status for other start failures. */
    public static final int EXIT_FAILED = 1;

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
        } catch (RuntimeException e) {
            System.err.println("minbus plugin " + System.getenv(PluginEnvironment.PLUGIN_NAME) + ": could not start: " + e.getMessage());
            System.exit(EXIT_FAILED);
            return;
        }
        try {
            setup.accept(rt);
            String why = rt.awaitStop();
            System.err.println("minbus plugin " + rt.environment().pluginName() + ": stopping (" + why + ")");
        } catch (RuntimeException e) {
            System.err.println("minbus plugin " + rt.environment().pluginName() + ": failed: " + e);
            rt.close();
            System.exit(EXIT_FAILED);
        }
        rt.close();
        System.exit(0);
    }
}
