package io.minbus.client;

import io.minbus.protocol.Reason;
import java.io.Serial;

/**
 * A connection to a plugin was not established (docs/minbus.md §8.2, §8.5). {@link #reason()} says
 * why: {@link Reason#REFUSED} means the target denied it; the subclasses {@link
 * NoSuchPluginException} and {@link VersionTooLowException} cover a missing or too old target;
 * {@link Reason#UNEXPECTED} means a connection from this {@link MinBus} to the target is still open
 * (one at a time per pair, §8.6); {@link Reason#isResourceShortage()} reasons (relay limits, relay
 * memory) may succeed later.
 */
public class ConnectionRefusedException extends MinBusException {
    @Serial private static final long serialVersionUID = 1L;

    private final String target;
    private final Reason reason;

    public ConnectionRefusedException(String target, Reason reason, String message) {
        super(message);
        this.target = target;
        this.reason = reason;
    }

    /** The name of the plugin we tried to connect to. */
    public String target() {
        return target;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /** True if the target itself denied the connection (rather than the bus refusing it). */
    public boolean isDenied() {
        return reason == Reason.REFUSED;
    }
}
