package io.minbus.cli;

import io.minbus.client.KeyedPlugin;
import io.minbus.client.MinBus;
import io.minbus.protocol.PluginInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code minbus ls}: one line per registered plugin, {@code NAME VERSION} (and its key with {@code --keys}). */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List the plugins registered on the bus, one per line: NAME VERSION.")
final class LsCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Option(names = "--keys", description = "Append the key each plugin proved (@BASE64.ed25519), if it proved one"
            + " (the keyed query, docs/minbus.md §18.6).")
    boolean keys;

    @Override
    public Integer call() {
        try (MinBus bus = main.connect()) {
            if (keys) {
                for (KeyedPlugin p : bus.pluginsWithKeys()) {
                    main.console.out.println(WatchCommand.line(p.plugin(), p.key()));
                }
            } else {
                for (PluginInfo p : bus.plugins()) {
                    main.console.out.println(p.name() + " " + p.version());
                }
            }
        }
        main.console.out.flush();
        return ExitCodes.OK;
    }
}
