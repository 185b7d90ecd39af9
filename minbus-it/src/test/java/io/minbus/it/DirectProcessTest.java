package io.minbus.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.server.MinBusServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two plugin processes talk over a direct connection the bus introduced (docs/minbus.md §19): the data
 * never passes the bus, and when the target process dies the initiator's channel breaks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectProcessTest {

    @Test
    void twoProcessesExchangeMessagesDirectlyAndTheChannelBreaksWhenTheTargetDies() {
        long seed = System.nanoTime();
        System.out.println("DirectProcessTest seed " + seed);
        try (MinBusServer server = MinBusServer.embedded()) {
            String address = server.addresses().getFirst().toString();
            try (ChildProcess echo = ChildProcess.child("direct-echo", "directecho", address, "decho")) {
                echo.await("registered decho", Duration.ofSeconds(30));
                try (ChildProcess ping = ChildProcess.child("direct-ping", "directping", address, "decho", "200",
                        Long.toString(seed))) {
                    echo.await("accepted pinger direct", Duration.ofSeconds(30));
                    ping.await("echoed 200 direct", Duration.ofSeconds(60));
                    assertThat(server.stats().relayedBytes()).as("no byte went through the bus").isZero();

                    echo.kill();
                    ping.await("broken", Duration.ofSeconds(30));
                }
            }
        }
    }
}
