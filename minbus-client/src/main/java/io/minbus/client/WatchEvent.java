package io.minbus.client;

import io.minbus.identity.Identity;
import io.minbus.protocol.PluginInfo;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Watch} reports. The keys plugins proved with the secret handshake are filled in only
 * by a keyed watch ({@link MinBus#watchWithKeys()}, docs/minbus.md §18.8); on a plain watch they are
 * always empty.
 */
public sealed interface WatchEvent {

    /**
     * The first event: the named plugins registered when the watch opened, except our own name, in
     * registration order.
     *
     * @param keys on a keyed watch, the proven key of each listed plugin that has one, by name
     */
    record Snapshot(List<PluginInfo> plugins, Map<String, Identity> keys) implements WatchEvent {
        public Snapshot {
            plugins = List.copyOf(plugins);
            keys = Map.copyOf(keys);
        }

        /** A snapshot without keys. */
        public Snapshot(List<PluginInfo> plugins) {
            this(plugins, Map.of());
        }

        /** The key the plugin {@code name} proved, if known. */
        public Optional<Identity> keyOf(String name) {
            return Optional.ofNullable(keys.get(name));
        }
    }

    /**
     * A named plugin registered (or, for an {@code explicit} plugin, has just allowed us to see it).
     *
     * @param key on a keyed watch, the key the plugin proved, if any
     */
    record Joined(PluginInfo plugin, Optional<Identity> key) implements WatchEvent {
        public Joined {
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(key, "key");
        }

        /** A join without a key. */
        public Joined(PluginInfo plugin) {
            this(plugin, Optional.empty());
        }
    }

    /**
     * A named plugin went away.
     *
     * @param key on a keyed watch, the key the plugin proved, if any
     */
    record Left(PluginInfo plugin, Optional<Identity> key) implements WatchEvent {
        public Left {
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(key, "key");
        }

        /** A departure without a key. */
        public Left(PluginInfo plugin) {
            this(plugin, Optional.empty());
        }
    }
}
