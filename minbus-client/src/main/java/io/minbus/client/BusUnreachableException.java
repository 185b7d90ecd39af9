package io.minbus.client;

import java.io.Serial;

/**
 * No bus could be reached at the address: nothing listens there, the peer is not a minbus bus, or
 * the bus closed the connection before its preamble (it is full). Nothing was registered.
 */
public final class BusUnreachableException extends MinBusException {
    @Serial private static final long serialVersionUID = 1L;

    private final String address;

    public BusUnreachableException(String address, String message, Throwable cause) {
        super(message, cause);
        this.address = address;
    }

    /** The address tried, in its text form. */
    public String address() {
        return address;
    }
}
