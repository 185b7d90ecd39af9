package io.minbus.cli;

import io.minbus.identity.Keys;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code minbus keygen}: create a key pair (docs/security.md §2). */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Create an ed25519 key pair and write it to a new key file (mode 0600; missing directories 0700).",
            "The file is --key, else $MINBUS_KEY_FILE, else $XDG_CONFIG_HOME/minbus/secret, else"
                + " ~/.config/minbus/secret. An existing key file is never overwritten.",
            "Prints the identity (@BASE64.ed25519), then the base64 key for addresses: net:HOST:PORT~shs:BASE64."
        })
final class KeygenCommand implements Callable<Integer> {
    @ParentCommand Main main;

    @Option(names = "--key", paramLabel = "FILE", description = "Write the key pair to FILE.")
    Path key;

    @Override
    public Integer call() {
        Path path = key != null ? key : keyPath(main.console, null);
        Keys keys = Keys.generate();
        keys.write(path); // refuses to overwrite, with a clear IdentityException
        main.console.out.println(keys.identity());
        main.console.out.println(keys.identity().base64());
        main.console.err.println("minbus: wrote the key pair of " + keys.identity() + " to " + path);
        main.console.out.flush();
        return ExitCodes.OK;
    }

    /** {@code explicit} if given, else the default key file of this console's environment. */
    static Path keyPath(Console console, Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        return Keys.defaultPath(console.env, System.getProperty("user.home"));
    }
}
