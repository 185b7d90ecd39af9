package io.minbus.identity.internal;

import java.nio.file.Path;
import java.util.Map;

/** Where the key file is when none is named. */
public final class KeyPaths {

    /** Environment variable naming the key file. */
    public static final String KEY_FILE_VARIABLE = "MINBUS_KEY_FILE";

    private KeyPaths() {}

    /**
     * {@code $MINBUS_KEY_FILE} if set and not empty, else {@code $XDG_CONFIG_HOME/minbus/secret}
     * if {@code XDG_CONFIG_HOME} is an absolute path (the XDG spec ignores relative ones), else
     * {@code ~/.config/minbus/secret}.
     */
    public static Path defaultPath(Map<String, String> environment, String userHome) {
        String explicit = environment.get(KEY_FILE_VARIABLE);
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String config = environment.get("XDG_CONFIG_HOME");
        Path base = config != null && !config.isEmpty() && Path.of(config).isAbsolute()
                ? Path.of(config)
                : Path.of(userHome, ".config");
        return base.resolve("minbus").resolve("secret");
    }
}
