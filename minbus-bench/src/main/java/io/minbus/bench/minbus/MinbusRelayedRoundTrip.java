package io.minbus.bench.minbus;

import io.minbus.bench.anchors.Anchors;
import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import java.util.List;

/**
 * TODO(lead): 64-byte round trips over relayed duplexes: plugin A connects to plugin B through the
 * bus server, B echoes; 1, 10, 100 and 1,000 channels (one duplex each, all on A's one bus
 * connection), compared with the C relay. Processes: {@code minbus serve} on a socket in the
 * scenario directory; an echo plugin; a driver plugin (a Java main speaking the driver protocol
 * through {@link io.minbus.bench.peers.DriverLoop}, {@code rtt N 64 ...}).
 */
public final class MinbusRelayedRoundTrip extends PendingScenario {

    public MinbusRelayedRoundTrip(List<Probe> roundTrips, Placement placement) {
        super("minbus/relay", "A→bus→B, relayed duplex", placement, Anchors.C_RELAY, roundTrips);
    }

    @Override
    String todo() {
        return "relayed duplex round trip, 64 B, 1..1000 channels (needs minbus-server and minbus-client)";
    }
}
