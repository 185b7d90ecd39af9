package io.minbus.bench.minbus;

import java.io.IOException;

/** Helpers of the minbus peer processes. */
final class MinbusPeers {

    private MinbusPeers() {
    }

    /**
     * Prints {@code ready}, then returns when stdin ends: the harness holds it open, so EOF means
     * the harness is gone (even after kill -9) and the process must not linger.
     */
    static void readyAndWaitForStdinEnd() {
        System.out.println("ready");
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // the harness sends nothing to servers
            }
        } catch (IOException e) {
            // stdin broken: same as EOF
        }
    }
}
