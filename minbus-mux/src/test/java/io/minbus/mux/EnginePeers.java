package io.minbus.mux;

import java.nio.ByteBuffer;

/** Test helpers for engines wired back to back in one thread. */
final class EnginePeers {
    private EnginePeers() {}

    /** Moves everything one engine has to send into the other; returns the number of bytes moved. */
    static int pump(MuxEngine from, MuxEngine to) {
        int moved = 0;
        while (from.hasOutput()) {
            ByteBuffer out = from.output();
            moved += out.remaining();
            to.receive(out);
        }
        return moved;
    }

    /** Pumps both ways until neither engine has anything to send. */
    static void settle(MuxEngine... pairsOfEngines) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (int i = 0; i < pairsOfEngines.length; i += 2) {
                moved |= pump(pairsOfEngines[i], pairsOfEngines[i + 1]) > 0;
                moved |= pump(pairsOfEngines[i + 1], pairsOfEngines[i]) > 0;
            }
        }
    }
}
