package io.minbus.cli;

import io.minbus.client.Channel;
import io.minbus.client.MinBus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code minbus connect NAME}: standard input and output joined to a channel, like socat. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {
            "Join standard input and output to a channel to plugin NAME.",
            "What comes on stdin is sent (EOF closes our half); what arrives is written to stdout, like"
                + " socat. Exits 0 once the other side has closed its half and everything received has"
                + " been written out; 4 if there is no such plugin, 5 if refused (denied, version too"
                + " low), 6 if the channel broke."
        })
final class ConnectCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Parameters(index = "0", paramLabel = "NAME", description = "The plugin to connect to.")
    String name;

    @Option(names = "--min-version", paramLabel = "V", description = "Refuse a plugin older than version V.")
    Integer minVersion;

    @Override
    public Integer call() throws IOException {
        PrintStream out = main.console.out;
        try (MinBus bus = main.connect()) {
            Channel channel = minVersion == null ? bus.connect(name) : bus.connect(name, minVersion);
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
