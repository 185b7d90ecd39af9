package io.minbus.client;

import io.minbus.protocol.Reason;
import java.io.Serial;

/**
 * Another connection holds the name ({@code 01 04}, docs/minbus.md §4.2). A plugin that restarted
 * after a crash may see its old name held until the bus notices the old connection is gone (at
 * once on a closed socket, after the heartbeat timeout otherwise); retrying after a pause then
 * helps.
 */
public final class NameTakenException extends RegistrationRefusedException {
    @Serial private static final long serialVersionUID = 1L;

    public NameTakenException(String name, String message) {
        super(name, Reason.NAME_TAKEN, message);
    }
}
