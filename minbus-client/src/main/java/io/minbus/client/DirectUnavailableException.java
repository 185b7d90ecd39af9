package io.minbus.client;

import io.minbus.protocol.Reason;
import java.io.Serial;

/**
 * A {@link Route#DIRECT} connection was not made, though a relayed one might be (docs/minbus.md
 * §19): the target does not accept direct connections, is busy, runs elsewhere or as another user,
 * the bus does not know direct connections, or the direct socket refused us. {@link #reason()} is
 * {@link Reason#NO_DIRECT} or {@link Reason#DIRECT_BUSY} (try again later); use {@link
 * Route#PREFER_DIRECT} to fall back to a relayed channel instead.
 */
public class DirectUnavailableException extends ConnectionRefusedException {
    @Serial private static final long serialVersionUID = 1L;

    public DirectUnavailableException(String target, Reason reason, String message) {
        super(target, reason, message);
    }
}
