package io.minbus.cli;

import io.minbus.client.MinBus;
import io.minbus.transport.BusAddress;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code minbus} command: {@code serve}, {@code ls}, {@code watch}, {@code connect}, {@code
 * register}, {@code demo}. Exit codes: see {@link ExitCodes}.
 */
@Command(
        name = "minbus",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "minbus: a multiprocess plugin system.",
            "Plugins are processes that register names on a bus, find each other and open channels"
                + " through it. The bus is at --address, else $MINBUS_ADDRESS, else the per-user default"
                + " socket ($XDG_RUNTIME_DIR/minbus/bus.sock, or /tmp/minbus-$USER/bus.sock).",
            "Try: minbus demo"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:runtime failure",
            "2:usage error (unknown option, bad address, ...)",
            "3:bus not reachable, or the connection to it was lost",
            "4:no such plugin",
            "5:refused: denied by the target, version too low, name taken",
            "6:channel broken (the other plugin went away, the bus shut down)",
            "7:minbus call: the plugin answered with an error (its type and message on stderr)"
        },
        subcommands = {
            ServeCommand.class,
            LsCommand.class,
            WatchCommand.class,
            ConnectCommand.class,
            CallCommand.class,
            RegisterCommand.class,
            LaunchCommand.class,
            KeygenCommand.class,
            DemoCommand.class
        })
public final class Main implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--address", paramLabel = "ADDR", scope = ScopeType.INHERIT,
            description = "The bus, e.g. unix:/run/user/1000/minbus/bus.sock or net:127.0.0.1:8008"
                    + " (default: $MINBUS_ADDRESS, else the per-user default socket).")
    BusAddress address;

    final Console console;

    Main(Console console) {
        this.console = console;
    }

    public static void main(String[] args) {
        // one line per log record on stderr (the bus logs through System.Logger, i.e. java.util.logging)
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
        System.exit(run(Console.system(), args));
    }

    /** Runs the command line and returns the exit code (no System.exit; for tests). */
    static int run(Console console, String... args) {
        CommandLine cl = new CommandLine(new Main(console));
        cl.registerConverter(BusAddress.class, BusAddress::parse);
        cl.setOut(new PrintWriter(console.out, true));
        cl.setErr(new PrintWriter(console.err, true));
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            console.out.flush();
            console.err.println("minbus: " + message(e));
            return ExitCodes.of(e);
        });
        return cl.execute(args);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    /** The bus to use: --address, else MINBUS_ADDRESS, else the per-user default. */
    BusAddress busAddress() {
        if (address != null) {
            return address;
        }
        try {
            return BusAddress.defaultAddress(console.env);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(BusAddress.ENVIRONMENT_VARIABLE + " is not a bus address: "
                    + e.getMessage(), e);
        }
    }

    /** Connects to the bus. */
    MinBus connect() {
        return MinBus.connect(busAddress());
    }

    /** A builder for the bus connection, for commands that set more than the address. */
    MinBus.Builder builder() {
        return MinBus.builder().address(busAddress());
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try minbus --help");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "minbus " + (v == null ? "(dev)" : v),
                "JVM: " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
