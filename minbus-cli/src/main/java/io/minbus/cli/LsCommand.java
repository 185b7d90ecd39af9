package io.minbus.cli;

import io.minbus.client.MinBus;
import io.minbus.protocol.PluginInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code minbus ls}: one line per registered plugin, {@code NAME VERSION}. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List the plugins registered on the bus, one per line: NAME VERSION.")
final class LsCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Override
    public Integer call() {
        try (MinBus bus = main.connect()) {
            for (PluginInfo p : bus.plugins()) {
                main.console.out.println(p.name() + " " + p.version());
            }
        }
        main.console.out.flush();
        return ExitCodes.OK;
    }
}
