package io.minbus.client;

import io.minbus.identity.Identity;
import io.minbus.protocol.PluginInfo;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin on the bus and the key it proved with the secret handshake (docs/minbus.md §18.6), as
 * listed by {@link MinBus#pluginsWithKeys()}.
 *
 * @param plugin its name and version
 * @param key    its proven key; empty for local plugins that proved none
 */
public record KeyedPlugin(PluginInfo plugin, Optional<Identity> key) {
    public KeyedPlugin {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(key, "key");
    }
}
