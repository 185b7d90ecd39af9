package io.minbus.cli;

import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.transport.BusAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code minbus serve}: run a bus in the foreground. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a bus in the foreground.",
            "Prints the addresses it listens on, one per line, then serves until SIGINT or SIGTERM, when"
                + " it shuts down cleanly: plugins see their channels end with 'shutdown', socket files are"
                + " removed, and the exit status is the usual 130/143 of a signal.",
            "Listens on the default address (--address, $MINBUS_ADDRESS, else the per-user socket) unless"
                + " --listen is given. Durations: 500ms, 10s, 2m; sizes: 4096, 64k, 16m, 1g."
        })
final class ServeCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Option(names = "--listen", paramLabel = "ADDR",
            description = "Listen on ADDR (repeatable): unix:/path/bus.sock, net:HOST:PORT (port 0 = any free port),"
                    + " either followed by ~shs:KEY for the secret handshake.")
    List<BusAddress> listen = List.of();

    @Option(names = "--key", paramLabel = "FILE",
            description = "The bus's key pair, for ~shs:KEY listeners (default: $MINBUS_KEY_FILE, else"
                    + " ~/.config/minbus/secret; create one with minbus keygen). Must be mode 0600.")
    java.nio.file.Path key;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "After the bus starts, launch every plugin found in DIR (minbus-plugin-* executables and"
                    + " *.plugin.json manifests, docs/host.md section 9); they are stopped with the bus.")
    java.nio.file.Path plugins;

    @Option(names = "--loops", paramLabel = "N", description = "Selector threads (default: half the cores, at least one).")
    Integer loops;

    @Option(names = "--max-connections", paramLabel = "N", description = "Connections held at once (default 16384).")
    Integer maxConnections;

    @Option(names = "--registration-timeout", paramLabel = "DUR", converter = Units.DurationConverter.class,
            description = "Time a connection may stay unregistered (default 10s).")
    Duration registrationTimeout;

    @Option(names = "--max-names-per-process", paramLabel = "N", description = "Names one process (or, when its pid is unknown, one Unix user) may hold (default 1024).")
    Integer maxNamesPerProcess;

    @Option(names = "--max-relays-per-plugin", paramLabel = "N",
            description = "Channels one plugin may take part in (default 1024).")
    Integer maxRelaysPerPlugin;

    @Option(names = "--relay-buffer", paramLabel = "SIZE", converter = Units.SizeConverter.class,
            description = "Bytes buffered per channel direction (default 256k).")
    Long relayBuffer;

    @Option(names = "--relay-buffer-max", paramLabel = "SIZE", converter = Units.SizeConverter.class,
            description = "What a channel direction's buffer may grow to while its sender waits for credit and its receiver keeps up (default 1m; the --relay-buffer value turns growth off).")
    Long relayBufferMax;

    @Option(names = "--relay-memory", paramLabel = "SIZE", converter = Units.SizeConverter.class,
            description = "Bytes reserved for all channels together (default 1g).")
    Long relayMemory;

    @Option(names = "--watch-backlog", paramLabel = "SIZE", converter = Units.SizeConverter.class,
            description = "Queued event bytes per watcher before it is dropped (default 1m).")
    Long watchBacklog;

    @Option(names = "--max-pending-queries", paramLabel = "N", description = "Queries awaiting their answer per connection (default 8).")
    Integer maxPendingQueries;

    @Option(names = "--top-level-credit", paramLabel = "SIZE", converter = Units.SizeConverter.class,
            description = "Top-level credit granted to each plugin (default 4096).")
    Long topLevelCredit;

    @Option(names = "--heartbeat-interval", paramLabel = "DUR", converter = Units.DurationConverter.class,
            description = "Ping a connection idle this long (default 10s).")
    Duration heartbeatInterval;

    @Option(names = "--heartbeat-timeout", paramLabel = "DUR", converter = Units.DurationConverter.class,
            description = "Drop a connection that does not answer a ping within this (default 30s).")
    Duration heartbeatTimeout;

    @Option(names = "--visibility-timeout", paramLabel = "DUR", converter = Units.DurationConverter.class,
            description = "How long an explicit plugin has to answer whether a requester may see it; silence is a"
                    + " denial (default 10s).")
    Duration visibilityTimeout;

    @Option(names = "--max-visibility-questions", paramLabel = "N",
            description = "Unanswered visibility questions per explicit plugin (default 64).")
    Integer maxVisibilityQuestions;

    @Override
    public Integer call() {
        MinBusServer.Builder builder = MinBusServer.builder()
                .listen((listen.isEmpty() ? List.of(main.busAddress()) : listen).toArray(BusAddress[]::new))
                .limits(limits());
        if (loops != null) {
            try {
                builder.loops(loops);
            } catch (IllegalArgumentException e) {
                throw new ExitCodes.UsageException("--loops: " + e.getMessage(), e);
            }
        }
        serverKeys(builder);
        MinBusServer server;
        try {
            server = builder.start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ExitCodes.UsageException(e.getMessage(), e);
        }
        main.console.onStop(server::close);
        for (BusAddress a : server.addresses()) {
            main.console.out.println(a);
        }
        main.console.out.flush();
        io.minbus.host.Host host = plugins == null ? null : LaunchCommand.launchAll(main, server, plugins);
        main.console.awaitStop();
        if (host != null) {
            host.close();
        }
        server.close();
        return ExitCodes.OK;
    }

    /** Loads the key pair if --key is given or a listener needs one (an existing file only: never created here). */
    private void serverKeys(MinBusServer.Builder builder) {
        boolean needed = (listen.isEmpty() ? List.of(main.busAddress()) : listen).stream().anyMatch(a -> a.shsKey().isPresent());
        if (key != null || needed) {
            builder.keys(io.minbus.identity.Keys.load(KeygenCommand.keyPath(main.console, key)));
        }
    }

    private ServerLimits limits() {
        ServerLimits.Builder b = ServerLimits.builder();
        try {
            if (maxConnections != null) {
                b.maxConnections(maxConnections);
            }
            if (registrationTimeout != null) {
                b.registrationTimeout(registrationTimeout);
            }
            if (maxNamesPerProcess != null) {
                b.maxNamesPerProcess(maxNamesPerProcess);
            }
            if (maxRelaysPerPlugin != null) {
                b.maxRelaysPerPlugin(maxRelaysPerPlugin);
            }
            if (relayBuffer != null) {
                b.relayBuffer(Math.toIntExact(relayBuffer));
            }
            if (relayBufferMax != null) {
                b.relayBufferMax(Math.toIntExact(relayBufferMax));
            }
            if (relayMemory != null) {
                b.relayMemory(relayMemory);
            }
            if (watchBacklog != null) {
                b.watchBacklog(Math.toIntExact(watchBacklog));
            }
            if (maxPendingQueries != null) {
                b.maxPendingQueries(maxPendingQueries);
            }
            if (topLevelCredit != null) {
                b.topLevelCredit(Math.toIntExact(topLevelCredit));
            }
            if (heartbeatInterval != null) {
                b.heartbeatInterval(heartbeatInterval);
            }
            if (heartbeatTimeout != null) {
                b.heartbeatTimeout(heartbeatTimeout);
            }
            if (visibilityTimeout != null) {
                b.visibilityTimeout(visibilityTimeout);
            }
            if (maxVisibilityQuestions != null) {
                b.maxVisibilityQuestions(maxVisibilityQuestions);
            }
            return b.build();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ExitCodes.UsageException("invalid limit: " + e.getMessage(), e);
        }
    }
}
