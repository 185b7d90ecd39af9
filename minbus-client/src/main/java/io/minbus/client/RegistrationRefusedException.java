package io.minbus.client;

import io.minbus.protocol.Reason;
import java.io.Serial;

/**
 * The bus refused a registration (docs/minbus.md §4.2) and closed the connection. {@link #reason()}
 * says why: {@link Reason#NAME_TAKEN} (thrown as {@link NameTakenException}), {@link
 * Reason#PROCESS_NAME_LIMIT}, {@link Reason#MALFORMED}, {@link Reason#REGISTRATION_TIMEOUT}, or
 * another refusal.
 */
public class RegistrationRefusedException extends MinBusException {
    @Serial private static final long serialVersionUID = 1L;

    private final String name;
    private final Reason reason;

    public RegistrationRefusedException(String name, Reason reason, String message) {
        super(message);
        this.name = name;
        this.reason = reason;
    }

    /** The name that was refused ("" for a nameless client). */
    public String name() {
        return name;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }
}
