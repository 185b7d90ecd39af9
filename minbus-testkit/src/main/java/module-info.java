/**
 * The minbus test kit, for plugin authors as much as for minbus itself: {@link
 * io.minbus.testkit.InMemoryBus} (a real bus whose clients connect in memory), {@link
 * io.minbus.testkit.ScriptedPeer} (a raw peer that sends chunks and expects chunks in frame-log
 * form) and the JUnit 5 extension {@link io.minbus.testkit.MinBusTest}.
 */
module io.minbus.testkit {
    requires transitive io.minbus.client;
    requires transitive io.minbus.server;
    requires transitive org.junit.jupiter.api;

    exports io.minbus.testkit;
    opens io.minbus.testkit to org.junit.platform.commons;
}
