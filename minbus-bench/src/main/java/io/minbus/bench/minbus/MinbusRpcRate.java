package io.minbus.bench.minbus;

import io.minbus.bench.anchors.Anchors;
import io.minbus.bench.harness.Placement;
import io.minbus.bench.harness.Probe;
import java.util.List;

/**
 * TODO(lead): Call/Notify RPC through the bus (minbus-rpc, a typed proxy with a 64-byte argument),
 * 1 and 64 calls in flight, the counterpart of gRPC unary and the D-Bus method call.
 */
public final class MinbusRpcRate extends PendingScenario {

    public MinbusRpcRate(Placement placement) {
        super(MinbusScenarios.RPC, "A→bus→B, Call/Notify RPC", placement, Anchors.C_RELAY,
                List.of(Probe.roundTrip(64, 1), Probe.roundTrip(64, 64)));
    }

    @Override
    String todo() {
        return "RPC call rate, 1 and 64 in flight (needs minbus-rpc)";
    }
}
