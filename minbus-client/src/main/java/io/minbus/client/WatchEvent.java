package io.minbus.client;

import io.minbus.protocol.PluginInfo;
import java.util.List;
import java.util.Objects;

/** What a {@link Watch} reports. */
public sealed interface WatchEvent {

    /**
     * The first event: the named plugins registered when the watch opened, except our own name, in
     * registration order.
     */
    record Snapshot(List<PluginInfo> plugins) implements WatchEvent {
        public Snapshot {
            plugins = List.copyOf(plugins);
        }
    }

    /** A named plugin registered. */
    record Joined(PluginInfo plugin) implements WatchEvent {
        public Joined {
            Objects.requireNonNull(plugin, "plugin");
        }
    }

    /** A named plugin went away. */
    record Left(PluginInfo plugin) implements WatchEvent {
        public Left {
            Objects.requireNonNull(plugin, "plugin");
        }
    }
}
