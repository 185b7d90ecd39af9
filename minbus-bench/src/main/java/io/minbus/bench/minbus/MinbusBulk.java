package io.minbus.bench.minbus;

import io.minbus.bench.anchors.Anchors;
import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import java.util.List;

/**
 * TODO(lead): 64 KiB messages one way over one relayed duplex as fast as credit allows; the driver
 * sends until the deadline, closes, and the sink plugin answers with its byte count (the protocol
 * of {@code uds_bench}'s 'S' connections). Compared with the C relay's bulk.
 */
public final class MinbusBulk extends PendingScenario {

    public MinbusBulk(Placement placement) {
        super("minbus/relay-bulk", "A→bus→B, relayed duplex", placement, Anchors.C_RELAY, List.of(Probe.bulk(64 * 1024)));
    }

    @Override
    String todo() {
        return "64 KiB bulk over a relayed duplex (needs minbus-server and minbus-client)";
    }
}
