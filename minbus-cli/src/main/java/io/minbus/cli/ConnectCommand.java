package io.minbus.cli;

import io.minbus.client.Channel;
import io.minbus.client.MinBus;
import io.minbus.client.Route;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/** {@code minbus connect NAME}: standard input and output joined to a channel, like socat. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {
            "Join standard input and output to a channel to plugin NAME.",
            "What comes on stdin is sent (EOF closes our half); what arrives is written to stdout, like"
                + " socat. Exits 0 once the other side has closed its half and everything received has"
                + " been written out; 4 if there is no such plugin, 5 if refused (denied, version too"
                + " low, no direct connection offered with --route direct), 6 if the channel broke."
        })
final class ConnectCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Parameters(index = "0", paramLabel = "NAME", description = "The plugin to connect to.")
    String name;

    @Option(names = "--min-version", paramLabel = "V", description = "Refuse a plugin older than version V.")
    Integer minVersion;

    @Option(names = "--route", paramLabel = "ROUTE", defaultValue = "relayed", converter = RouteConverter.class,
            description = "relayed (default): through the bus; direct: over a Unix socket the bus introduces,"
                    + " or exit 5 if NAME does not offer one (it must run with register --accept-direct, as"
                    + " the same user on this machine); prefer-direct: direct if offered, else relayed.")
    Route route;

    /** relayed, direct, prefer-direct (the enum's names in lower case, with dashes). */
    static final class RouteConverter implements ITypeConverter<Route> {
        @Override
        public Route convert(String value) {
            for (Route r : Route.values()) {
                if (r.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(value)) {
                    return r;
                }
            }
            throw new TypeConversionException("expected relayed, direct or prefer-direct, not '" + value + "'");
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = main.console.out;
        try (MinBus bus = main.connect()) {
            Channel channel = bus.connect(name, minVersion == null ? 0 : minVersion, route);
            Pumps.Sender sender = new Pumps.Sender(main.console.in, channel, main.console.err);
            Thread.ofPlatform().daemon().name("minbus-connect-stdin").start(sender);
            Pumps.fromChannel(channel, out);
            if (out.checkError()) {
                throw new UncheckedIOException(new IOException("writing to standard output failed"));
            }
            if (!sender.sending()) {
                channel.close(); // our half ends normally for the other side; else closing the bus breaks it
            }
        }
        return ExitCodes.OK;
    }
}
