package io.minbus.cli;

import io.minbus.client.BusGoneException;
import io.minbus.client.Channel;
import io.minbus.client.IncomingConnection;
import io.minbus.client.MinBus;
import io.minbus.client.MinBusException;
import io.minbus.client.Plugin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code minbus register NAME --exec CMD}: serve each incoming connection with a command, like inetd. */
@Command(name = "register",
        description = {
            "Register NAME and serve each connection with a command.",
            "Every incoming connection runs sh -c CMD with its stdin and stdout joined to the channel,"
                + " like inetd: the other side's close is EOF on CMD's stdin, CMD's exit closes our half."
                + " Connections are served concurrently, one CMD each; CMD finds the initiator in"
                + " $MINBUS_PEER (empty for a nameless client) and $MINBUS_PEER_VERSION.",
            "Prints \"registered NAME VERSION\" once registered, then runs until interrupted, or until"
                + " the bus goes away (exit 3). Exits 5 if the name is taken."
        })
final class RegisterCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "NAME", description = "The name to register.")
    String name;

    @Option(names = "--version", paramLabel = "V", defaultValue = "0",
            description = "The version to register (0..65535, default ${DEFAULT-VALUE}).")
    int version;

    @Option(names = "--exec", paramLabel = "CMD", required = true,
            description = "The shell command that serves each connection.")
    String command;

    @Option(names = "--accept-direct",
            description = "Also accept direct connections (connect --route direct): a plugin of the same user on"
                    + " this machine may then reach NAME over a Unix socket of its own, not through the bus.")
    boolean acceptDirect;

    @Option(names = "--direct-dir", paramLabel = "DIR",
            description = "The directory of the direct socket (created with mode 0700; default"
                    + " $XDG_RUNTIME_DIR/minbus/direct, else /tmp/minbus-$USER/direct). Implies --accept-direct.")
    Path directDirectory;

    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    @Override
    public Integer call() {
        MinBus.Builder builder = main.builder();
        if (acceptDirect || directDirectory != null) {
            builder.acceptDirect(true);
        }
        if (directDirectory != null) {
            builder.directDirectory(directDirectory);
        }
        try (MinBus bus = builder.connect()) {
            Plugin plugin = bus.register(name, version);
            main.console.out.println("registered " + plugin.name() + " " + plugin.version());
            main.console.out.flush();
            main.console.onStop(() -> {
                bus.close();
                running.forEach(Process::destroy);
            });
            while (true) {
                IncomingConnection incoming;
                try {
                    incoming = plugin.accept();
                } catch (BusGoneException e) {
                    if (main.console.stopped()) {
                        return ExitCodes.OK;
                    }
                    throw e;
                }
                Thread.ofVirtual().name("minbus-serve-" + incoming.name()).start(() -> serve(incoming));
            }
        } finally {
            running.forEach(Process::destroy);
        }
    }

    private void serve(IncomingConnection incoming) {
        Channel channel;
        try {
            channel = incoming.accept();
        } catch (MinBusException e) {
            main.console.err.println("minbus: could not accept a connection to " + name + ": " + e.getMessage());
            return;
        }
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", command);
            pb.environment().put("MINBUS_PEER", incoming.name());
            pb.environment().put("MINBUS_PEER_VERSION", Integer.toString(incoming.version()));
            process = pb.start();
        } catch (IOException e) {
            main.console.err.println("minbus: cannot run sh -c '" + command + "': " + e.getMessage());
            channel.close();
            return;
        }
        running.add(process);
        try {
            Thread errors = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), main.console.err));
            Thread input = Thread.ofVirtual().start(() -> toProcess(channel, process));
            Pumps.Sender output = new Pumps.Sender(process.getInputStream(), channel, main.console.err);
            output.run(); // until CMD's stdout ends; then our half is closed
            process.getInputStream().close(); // if the other side cancelled: CMD's further writes fail
            process.waitFor();
            errors.join();
            channel.close(); // CMD is done: stop reading too (input then ends)
            input.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // closing CMD's stdout failed: nothing to do
        } finally {
            running.remove(process);
            process.destroy();
            channel.close();
        }
    }

    /** The channel into CMD's stdin; the other side's close (or a broken channel) is EOF. */
    private static void toProcess(Channel channel, Process process) {
        try (OutputStream stdin = process.getOutputStream()) {
            Pumps.fromChannel(channel, stdin);
        } catch (IOException e) {
            channel.cancel(Pumps.EMPTY.duplicate()); // CMD stopped reading: we want no more
        } catch (MinBusException | IllegalStateException e) {
            // broken or cancelled by us: CMD gets EOF
        }
    }

    private static void copy(InputStream in, java.io.PrintStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // CMD's stderr ended
        }
    }
}
