package io.minbus.client;

import java.io.Serial;

/**
 * The connection to the bus is lost: the bus closed it or went away, a heartbeat went unanswered,
 * the connection broke a protocol rule, or this {@link MinBus} was closed. Every channel, watch and
 * registration of the connection is gone with it; open a new {@link MinBus} to go on.
 */
public final class BusGoneException extends MinBusException {
    @Serial private static final long serialVersionUID = 1L;

    public BusGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
