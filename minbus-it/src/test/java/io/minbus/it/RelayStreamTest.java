package io.minbus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minbus.server.MinBusServer;
import io.minbus.server.ServerLimits;
import io.minbus.server.ServerStats;
import io.minbus.transport.BusAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two plugin processes find each other through a watch and stream through the relay. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RelayStreamTest {
    private static final long GIB = 1L << 30;

    @Test
    void twoProcessesDiscoverEachOtherAndStreamOneGibWithChecksums() {
        long seed = System.nanoTime();
        System.out.println("RelayStreamTest seed " + seed);
        try (MinBusServer server = MinBusServer.embedded()) {
            String address = server.addresses().getFirst().toString();
            try (ChildProcess source = ChildProcess.child("source", "source", address, "source", "sink",
                    Long.toString(GIB), Long.toString(seed))) {
                source.await("registered source", Duration.ofSeconds(30));
                // the source is waiting on its watch; the sink comes later and is discovered
                try (ChildProcess sink = ChildProcess.child("sink", "sink", address, "sink")) {
                    source.await("discovered sink", Duration.ofSeconds(30));
                    sink.await("accepted source", Duration.ofSeconds(30));
                    long t0 = System.nanoTime();
                    String done = source.await("done ", Duration.ofSeconds(120));
                    String received = sink.await("received ", Duration.ofSeconds(30));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("RelayStreamTest: 1 GiB through the relay in %.1f s (%.0f MiB/s)%n",
                            seconds, 1024 / seconds);
                    String[] d = done.split(" ");
                    String[] r = received.split(" ");
                    assertThat(d[1]).isEqualTo(Long.toString(GIB));
                    assertThat(r[1]).isEqualTo(Long.toString(GIB));
                    assertThat(r[2]).isEqualTo(Long.toString(GIB / Child.MESSAGE));
                    assertThat(r[3]).as("CRC32C sink vs source").isEqualTo(d[2]);
                    ServerStats stats = server.stats();
                    assertThat(stats.relayedBytes()).isGreaterThanOrEqualTo(GIB);
                    assertThat(stats.relayDirectionBufferedMax()).isLessThanOrEqualTo(server.limits().relayBufferMax());
                    if (seconds >= 60) {
                        System.out.println("RelayStreamTest: WARNING, above the 60 s budget (a loaded machine?)");
                    }
                }
            }
        }
    }

    @Test
    void aSlowReaderKeepsTheServersBufferUnderTheCap(@TempDir Path dir) throws Exception {
        long seed = System.nanoTime();
        System.out.println("slow reader seed " + seed);
        int cap = 16 * 1024;
        long total = 8L << 20;
        BusAddress address = new BusAddress.Unix(dir.resolve("bus.sock"));
        try (MinBusServer server = MinBusServer.builder().listen(address)
                .limits(ServerLimits.builder().relayBuffer(cap).relayBufferMax(cap).build()).start(); // the cap itself, no growth
                ChildProcess sink = ChildProcess.child("slow-sink", "sink", address.toString(), "sink", "paused")) {
            sink.await("registered sink", Duration.ofSeconds(30));
            try (ChildProcess source = ChildProcess.child("fast-source", "source", address.toString(), "source", "sink",
                    Long.toString(total), Long.toString(seed))) {
                sink.await("accepted source", Duration.ofSeconds(30));
                // the reader granted 4 MiB of credit but its process is stopped: its socket fills up, the bus
                // buffers up to the cap, and then the sender waits for credit
                sink.signal("STOP");
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().relayBytesBuffered() > 0);
                    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                            .until(() -> server.stats().relayBytesBuffered() <= cap);
                    ServerStats paused = server.stats();
                    System.out.println("slow reader: buffered " + paused.relayBytesBuffered() + " of cap " + cap
                            + ", relayed so far " + paused.relayedBytes());
                    assertThat(source.output()).noneMatch(l -> l.startsWith("done"));
                    assertThat(paused.relayDirectionBufferedMax()).isLessThanOrEqualTo(cap);
                    assertThat(paused.relayBytesBufferedMax()).isLessThanOrEqualTo(2L * cap);
                    assertThat(paused.relayedBytes()).isLessThan(total);
                } finally {
                    sink.signal("CONT");
                }

                sink.tell("go");
                String done = source.await("done ", Duration.ofSeconds(60));
                String received = sink.await("received ", Duration.ofSeconds(60));
                assertThat(received.split(" ")[1]).isEqualTo(Long.toString(total));
                assertThat(received.split(" ")[3]).isEqualTo(done.split(" ")[2]);
                ServerStats after = server.stats();
                assertThat(after.relayDirectionBufferedMax()).isLessThanOrEqualTo(cap);
                assertThat(after.relayBytesBufferedMax()).isLessThanOrEqualTo(2L * cap);
            }
        }
        assertThat(Files.exists(dir.resolve("bus.sock"))).isFalse();
    }
}
