package io.minbus.server.internal;

import io.minbus.protocol.Event;
import io.minbus.protocol.PluginList;
import java.util.ArrayList;
import java.util.List;

/** A watcher that records what it gets (single-threaded tests). */
class Recorder implements Watcher {
    final List<PluginList> snapshots = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

    @Override
    public void snapshot(PluginList snapshot) {
        snapshots.add(snapshot);
    }

    @Override
    public void event(Event event) {
        events.add(event);
    }

    PluginList snapshot() {
        if (snapshots.size() != 1) {
            throw new AssertionError("expected exactly one snapshot, got " + snapshots);
        }
        return snapshots.get(0);
    }
}
