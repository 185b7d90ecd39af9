package io.minbus.cli;

import io.minbus.client.MinBus;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.protocol.PluginInfo;
import io.minbus.identity.Identity;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code minbus watch}: the snapshot, then {@code + NAME VERSION} / {@code - NAME VERSION} lines. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {
            "Print the plugins, then each change as it happens.",
            "First one line per registered plugin (NAME VERSION), then + NAME VERSION when a plugin"
                + " registers and - NAME VERSION when it goes away, one flushed line each. Runs until"
                + " interrupted, or until the bus goes away (exit 3)."
        })
final class WatchCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Option(names = "--keys", description = "Append the key each plugin proved (@BASE64.ed25519), if it proved one"
            + " (the keyed connection stream, docs/minbus.md §18.8).")
    boolean keys;

    @Override
    public Integer call() {
        PrintStream out = main.console.out;
        try (MinBus bus = main.connect(); Watch watch = keys ? bus.watchWithKeys() : bus.watch()) {
            main.console.onStop(watch::close);
            while (true) {
                WatchEvent event;
                try {
                    event = watch.next();
                } catch (IllegalStateException closed) {
                    return ExitCodes.OK; // stopped
                }
                switch (event) {
                    case WatchEvent.Snapshot s -> s.plugins().forEach(p -> out.println(line(p, s.keyOf(p.name()))));
                    case WatchEvent.Joined j -> out.println("+ " + line(j.plugin(), j.key()));
                    case WatchEvent.Left l -> out.println("- " + line(l.plugin(), l.key()));
                }
                out.flush();
                if (out.checkError()) {
                    return ExitCodes.OK; // the reader went away (e.g. | head)
                }
            }
        }
    }

    static String line(PluginInfo p) {
        return p.name() + " " + p.version();
    }

    /** {@code NAME VERSION}, then {@code @KEY.ed25519} when a key is known. */
    static String line(PluginInfo p, Optional<Identity> key) {
        return line(p) + key.map(k -> " " + k).orElse("");
    }
}
