package io.minbus.server.internal;

import io.minbus.protocol.Event;
import io.minbus.protocol.PluginList;
import java.util.List;

/**
 * Receives one connection stream's messages (docs/minbus.md §7): first the snapshot, then every
 * event, in the registry's order. The {@link Registry} calls both with its lock held, on whichever
 * thread changed the registry, so no event can overtake the snapshot. Implementations must only
 * enqueue the message for their connection (and wake that connection's selector): never block,
 * never call back into the registry.
 */
public interface Watcher {
    /** The named plugins other than the watcher, in registration order; called once, first. */
    void snapshot(PluginList snapshot);

    /** A named plugin other than the watcher joined or left. */
    void event(Event event);

    /**
     * What the registry calls: the snapshot as members (for watchers that need more than the
     * tuples, such as the keyed stream of §18.8); by default {@link #snapshot(PluginList)}.
     */
    default void snapshotOf(List<Member> members) {
        snapshot(new PluginList(members.stream().map(m -> m.plugin().orElseThrow()).toList()));
    }

    /** What the registry calls for a join or leave of {@code member}; by default {@link #event(Event)}. */
    default void eventOf(Event.Kind kind, Member member) {
        event(new Event(kind, member.plugin().orElseThrow()));
    }
}
