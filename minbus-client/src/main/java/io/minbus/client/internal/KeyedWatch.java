package io.minbus.client.internal;

import io.minbus.client.WatchEvent;
import io.minbus.identity.Identity;
import io.minbus.protocol.KeyedEvent;
import io.minbus.protocol.KeyedPluginList;
import io.minbus.protocol.PluginInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Decodes the messages of a keyed connection stream (docs/minbus.md §18.8) into watch events. */
final class KeyedWatch {
    private KeyedWatch() {
    }

    /**
     * @throws io.minbus.protocol.MalformedPayloadException if the keyed plugin list does not parse
     * @throws IllegalArgumentException if a key is not an ed25519 point
     */
    static WatchEvent.Snapshot snapshot(ByteBuffer message) {
        List<PluginInfo> plugins = new ArrayList<>();
        Map<String, Identity> keys = new HashMap<>();
        for (KeyedPluginList.Entry e : KeyedPluginList.decode(message).entries()) {
            plugins.add(e.plugin());
            e.key().ifPresent(k -> keys.put(e.plugin().name(), Identity.fromBase64(k)));
        }
        return new WatchEvent.Snapshot(plugins, keys);
    }

    /** @throws io.minbus.protocol.MalformedPayloadException if the event does not parse */
    static WatchEvent event(ByteBuffer message) {
        KeyedEvent e = KeyedEvent.decode(message);
        var key = e.key().map(Identity::fromBase64);
        return switch (e.kind()) {
            case JOINED -> new WatchEvent.Joined(e.plugin(), key);
            case LEFT -> new WatchEvent.Left(e.plugin(), key);
        };
    }
}
