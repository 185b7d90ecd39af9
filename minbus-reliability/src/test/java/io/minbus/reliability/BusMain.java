package io.minbus.reliability;

import io.minbus.server.MinBusServer;
import io.minbus.transport.BusAddress;
import java.nio.file.Path;
import java.time.Duration;

/** A bus in a child JVM: {@code args: unix-socket-path heartbeat-interval-ms heartbeat-timeout-ms}; prints READY, runs until killed or stdin ends. */
public final class BusMain {
    private BusMain() {
    }

    public static void main(String[] args) throws Exception {
        MinBusServer server = MinBusServer.builder().listen(new BusAddress.Unix(Path.of(args[0])))
                .heartbeat(Duration.ofMillis(Long.parseLong(args[1])), Duration.ofMillis(Long.parseLong(args[2])))
                .loops(1).start();
        System.out.println("READY pid=" + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until stdin ends
        }
        server.close();
    }
}
