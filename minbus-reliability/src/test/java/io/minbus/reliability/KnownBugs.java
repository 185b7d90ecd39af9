package io.minbus.reliability;

/**
 * Server bugs found by these tests and not fixed yet (docs/reliability.md, "Bugs found"). While a flag
 * is true, the checks that hit the bug are skipped with a warning (RelayAccountingTest, which
 * reproduces them, is skipped by an assumption); -Dminbus.strict=true checks everything (to verify
 * a fix); replace the flags by false once fixed.
 */
final class KnownBugs {
    /**
     * Bug 1: {@code ServerStats.relayBytesBuffered} does not return to zero when a relay's receiver
     * goes away while fragments are posted to its connection: {@code RelaySide.onData} counts the bytes
     * ({@code counters.relayBuffered(+n)}) and posts {@code deliver} to the other connection, and
     * {@code Conn.post} drops the task once that connection is CLOSED, so {@code release(n)} never runs.
     */
    static final boolean RELAY_COUNTER_LEAK = false; // fixed: Conn.postEvenIfClosed

    /**
     * Bug 2: a relay stays open forever (openRelays, its relay_memory reservation and the initiator's
     * relay count are never released) when the target's connection closes after {@code Connector}
     * created the relay and before the posted {@code RelaySide.openIncoming} runs on the target's loop:
     * {@code Conn.post} drops the task for a CLOSED connection, so neither {@code attach} nor {@code
     * failOpen} happens; the initiator's connect may then wait without an answer.
     */
    static final boolean RELAY_OPEN_LEAK = false; // fixed: Conn.postEvenIfClosed

    private KnownBugs() {
    }

    /** Open relays at rest are checked only once bug 2 is fixed. */
    static boolean checkOpenRelaysAtRest(int value) {
        if (RELAY_OPEN_LEAK) {
            if (value != 0) {
                System.out.println("WARNING: open relays at rest = " + value + " (known bug 2, KnownBugs.RELAY_OPEN_LEAK)");
            }
            return true;
        }
        return value == 0;
    }

    /** The relay-bytes-buffered figure at rest is checked only once bug 1 is fixed. */
    static boolean checkRelayBytesBufferedAtRest(long value) {
        if (RELAY_COUNTER_LEAK) {
            if (value != 0) {
                System.out.println("WARNING: relay bytes buffered at rest = " + value + " (known bug 1, KnownBugs.RELAY_COUNTER_LEAK)");
            }
            return true;
        }
        return value == 0;
    }
}
