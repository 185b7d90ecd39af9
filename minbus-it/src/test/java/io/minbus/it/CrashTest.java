package io.minbus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.client.MinBus;
import io.minbus.client.Watch;
import io.minbus.client.WatchEvent;
import io.minbus.protocol.PluginInfo;
import io.minbus.server.MinBusServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A plugin process killed with SIGKILL: every watcher hears it left, its relays break with 01. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CrashTest {
    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void aKilledPluginIsAnnouncedAsGoneAndItsRelaysBreak() {
        try (MinBusServer server = MinBusServer.embedded()) {
            String address = server.addresses().getFirst().toString();
            try (MinBus testBus = MinBus.connect(server.addresses().getFirst());
                    Watch watch = testBus.watch();
                    ChildProcess victim = ChildProcess.child("victim", "echo", address, "victim");
                    ChildProcess watcher = ChildProcess.child("watcher", "watch", address)) {
                assertThat(watch.next()).isEqualTo(new WatchEvent.Snapshot(java.util.List.of()));
                victim.await("registered victim", T);
                assertThat(watch.next(T)).contains(new WatchEvent.Joined(PluginInfo.of("victim", 1)));
                watcher.await(l -> l.startsWith("snapshot") && l.contains("victim 1") || l.equals("+ victim 1"), T);
                try (ChildProcess s1 = ChildProcess.child("survivor-1", "holdrelay", address, "survivor-1", "victim");
                        ChildProcess s2 = ChildProcess.child("survivor-2", "holdrelay", address, "survivor-2", "victim")) {
                    s1.await("relay up victim", T);
                    s2.await("relay up victim", T);
                    assertThat(server.stats().openRelays()).isEqualTo(2);

                    victim.kill(); // SIGKILL: no goodbye, the socket just closes
                    assertThat(victim.exitCode(T)).isEqualTo(137);

                    assertThat(s1.await(l -> l.startsWith("broken") || l.startsWith("ended"), T)).isEqualTo("broken REFUSED");
                    assertThat(s2.await(l -> l.startsWith("broken") || l.startsWith("ended"), T)).isEqualTo("broken REFUSED");
                    watcher.await("- victim 1", T);
                    Optional<WatchEvent> left;
                    do {
                        left = watch.next(T);
                    } while (left.isPresent() && !(left.get() instanceof WatchEvent.Left));
                    assertThat(left).contains(new WatchEvent.Left(PluginInfo.of("victim", 1)));
                    await().atMost(T).until(() -> server.stats().openRelays() == 0);
                    assertThat(testBus.plugins()).extracting(PluginInfo::name)
                            .containsExactlyInAnyOrder("survivor-1", "survivor-2");
                }
            }
        }
    }
}
