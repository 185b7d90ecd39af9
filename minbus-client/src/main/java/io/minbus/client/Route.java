package io.minbus.client;

/**
 * How {@link MinBus#connect(String, int, Route)} reaches the other plugin (docs/minbus.md §19).
 */
public enum Route {
    /** Through the bus, which relays every message (docs/minbus.md §8, §9). What {@link MinBus#connect(String)} does. */
    RELAYED,
    /**
     * Over a direct Unix socket the bus introduces, or not at all: {@link DirectUnavailableException}
     * when the target does not offer one (it did not opt in with {@link MinBus.Builder#acceptDirect},
     * it runs on another machine or as another user, the bus is older than direct connections).
     */
    DIRECT,
    /** Direct if the target offers it, else relayed, transparently. */
    PREFER_DIRECT
}
