package io.minbus.cli;

import io.minbus.host.Host;
import io.minbus.host.PluginManifest;
import io.minbus.host.PluginProcess;
import io.minbus.host.PluginSpec;
import io.minbus.host.PluginState;
import io.minbus.host.RestartPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code minbus launch PATH|MANIFEST}: run one plugin under a host attached to the current bus. */
@Command(name = "launch", sortOptions = false,
        description = {
            "Run a plugin under a host attached to the bus, until SIGINT or SIGTERM.",
            "PATH is an executable (its name is the file name less 'minbus-plugin-', or --name), or a"
                + " *.plugin.json manifest (docs/host.md section 10). The plugin gets the launch environment"
                + " (MINBUS_ADDRESS, MINBUS_PLUGIN_SECRET, ...), must connect, register its name and prove its"
                + " secret (docs/host.md section 8); its stdout and stderr are logged to stderr.",
            "Prints \"launched NAME pid PID\" once it is ready. Exits 0 when stopped by a signal (the plugin"
                + " is asked to stop, then SIGTERM, then SIGKILL), 1 if it failed to start or failed for good."
        })
final class LaunchCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "PATH|MANIFEST", description = "The plugin executable or its manifest.")
    Path target;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "Arguments for the executable.")
    List<String> args = new ArrayList<>();

    @Option(names = "--restart", paramLabel = "POLICY",
            description = "never, on-failure or always (default: the manifest's, else never).")
    String restart;

    @Option(names = "--name", paramLabel = "NAME", description = "The plugin's name (default: from the file name or manifest).")
    String name;

    @Option(names = "--pipe", description = "Run the plugin's bus session over its stdin and stdout (pipe mode).")
    boolean pipe;

    @Option(names = "--start-timeout", paramLabel = "DUR", converter = Units.DurationConverter.class,
            description = "How long the plugin may take to become ready (default: the manifest's, else 30s).")
    Duration startTimeout;

    @Override
    public Integer call() {
        PluginSpec.Builder spec;
        if (target.getFileName().toString().endsWith(PluginManifest.SUFFIX)) {
            spec = PluginManifest.read(target.toAbsolutePath()).toBuilder();
            if (!args.isEmpty()) {
                throw new ExitCodes.UsageException("arguments come from the manifest " + target + "; do not give ARGs", null);
            }
        } else {
            spec = PluginSpec.builder(target.toAbsolutePath()).args(args.toArray(String[]::new));
        }
        if (restart != null) {
            spec.restartPolicy(policy(restart));
        }
        if (name != null) {
            spec.name(name);
        }
        if (startTimeout != null) {
            spec.startTimeout(startTimeout);
        }
        spec.pipeSession(pipe);
        CompletableFuture<PluginState> ended = new CompletableFuture<>();
        try (Host host = Host.builder().attach(main.busAddress()).launcher(b -> b.stateListener((p, from, to) -> {
            if (to.isFinal()) {
                ended.complete(to);
            }
        })).build()) {
            PluginProcess plugin = host.launch(spec.build());
            main.console.out.println("launched " + plugin.name() + " pid " + plugin.pid().orElse(-1));
            main.console.out.flush();
            main.console.onStop(() -> ended.complete(null));
            PluginState end = ended.join();
            if (end == null) {
                plugin.stop(); // SIGINT/SIGTERM: ask, then SIGTERM, then SIGKILL
                return ExitCodes.OK;
            }
            if (end == PluginState.FAILED) {
                main.console.err.println("minbus: " + plugin.failure().map(Throwable::getMessage).orElse("plugin failed"));
                return ExitCodes.FAILURE;
            }
            return ExitCodes.OK;
        }
    }

    /** For {@code minbus serve --plugins DIR}: starts every plugin found in {@code dir} under a host on {@code server}. */
    static Host launchAll(Main main, io.minbus.server.MinBusServer server, Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new ExitCodes.UsageException("--plugins: " + dir + " is not a directory", null);
        }
        io.minbus.host.PluginDiscovery.Result found = io.minbus.host.PluginDiscovery.in(List.of(dir.toAbsolutePath())).discover();
        for (io.minbus.host.PluginException problem : found.problems()) {
            main.console.err.println("minbus: " + problem.getMessage());
        }
        Host host = Host.builder().server(server).build();
        for (io.minbus.host.PluginDiscovery.DiscoveredPlugin p : found.plugins()) {
            try {
                PluginProcess started = host.start(p.spec()); // not waiting: each is supervised and logged by the host
                main.console.err.println("minbus: starting plugin " + started.name() + " (" + p.source() + ")");
            } catch (io.minbus.host.PluginException e) {
                main.console.err.println("minbus: " + e.getMessage());
            }
        }
        return host;
    }

    private static RestartPolicy policy(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "never" -> RestartPolicy.never();
            case "on-failure" -> RestartPolicy.onFailure();
            case "always" -> RestartPolicy.always();
            default -> throw new ExitCodes.UsageException("--restart: expected never, on-failure or always, not '" + text + "'", null);
        };
    }
}
