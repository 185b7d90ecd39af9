package io.minbus.cli;

import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.rpc.BusRpc;
import io.minbus.rpc.ChannelClosedException;
import io.minbus.rpc.RemoteException;
import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.RpcEndpoint;
import io.minbus.rpc.RpcException;
import io.minbus.rpc.RpcTimeoutException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code minbus call NAME CMD [DATA...]}: one minbus-rpc call (docs/rpc.md), its response on stdout. */
@Command(name = "call", mixinStandardHelpOptions = true,
        description = {
            "Call command CMD of the minbus-rpc plugin NAME and print the response body to stdout.",
            "The request body is DATA as UTF-8 (several DATA words are joined with single spaces), '-' to"
                + " read it from stdin, or empty. Typed methods take a JSON array of arguments:"
                + " minbus call kv put '[\"k\",\"v\"]'. Exits 0 with the response; 7 if the plugin answered"
                + " with an error (its type and message on stderr); 3 bus unreachable, 4 no such plugin,"
                + " 5 refused (also: no such instance), 6 the plugin went away, 1 timeout or other failure."
        })
final class CallCommand implements Callable<Integer> {
    /** The plugin answered the call with cmd.error. */
    static final int REMOTE_ERROR = 7;

    @ParentCommand Main main;

    @Parameters(index = "0", paramLabel = "NAME", description = "The plugin to call.")
    String name;

    @Parameters(index = "1", paramLabel = "CMD", description = "The command, e.g. get, cmd.ping, GetMetadata.")
    String cmd;

    @Parameters(index = "2..*", paramLabel = "DATA", arity = "0..*",
            description = "The request body as UTF-8 text, or - for stdin.")
    List<String> data = List.of();

    @Option(names = "--instance", paramLabel = "I", defaultValue = "",
            description = "The instance of the plugin to open (default: its default instance \"\").")
    String instance;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "30s", converter = Units.DurationConverter.class,
            description = "How long to wait for the response, e.g. 500ms, 10s, 2m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws IOException {
        Duration limit = timeout;
        byte[] body = body();
        PrintStream out = main.console.out;
        PrintStream err = main.console.err;
        try (MinBus bus = main.connect()) {
            byte[] response;
            try {
                RpcEndpoint ep = BusRpc.connect(bus, name, instance, new byte[0],
                        RpcConfig.builder().callTimeout(limit).build());
                try {
                    response = ep.call(cmd, body, limit);
                } finally {
                    ep.close();
                }
            } catch (RemoteException e) {
                boolean refused = e.command().equals("cmd.open");
                err.println("minbus: " + (refused ? "\"" + name + "\" refused the session: " : name + " " + cmd + " failed: ")
                        + e.remoteType().map(t -> t + ": ").orElse("") + e.remoteMessage());
                return refused ? ExitCodes.REFUSED : REMOTE_ERROR;
            } catch (RpcTimeoutException e) {
                err.println("minbus: no answer from \"" + name + "\" to " + cmd + " within " + timeout.toMillis() + " ms"
                        + "; raise --timeout if it is slow");
                return ExitCodes.FAILURE;
            } catch (ChannelClosedException e) {
                if (e.getCause() instanceof MinBusException m) {
                    throw m;
                }
                if (!bus.isOpen()) {
                    err.println("minbus: lost the connection to the bus during the call: " + e.getMessage());
                    return ExitCodes.BUS_UNREACHABLE;
                }
                err.println("minbus: \"" + name + "\" went away before answering " + cmd + " (it may or may not"
                        + " have run it): " + e.getMessage());
                return ExitCodes.CHANNEL_BROKEN;
            } catch (RpcException e) {
                err.println("minbus: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            out.write(response);
            out.flush();
            if (out.checkError()) {
                throw new UncheckedIOException(new IOException("writing to standard output failed"));
            }
        }
        return ExitCodes.OK;
    }

    private byte[] body() throws IOException {
        if (data.size() == 1 && data.get(0).equals("-")) {
            return main.console.in.readAllBytes();
        }
        return String.join(" ", data).getBytes(StandardCharsets.UTF_8);
    }
}
