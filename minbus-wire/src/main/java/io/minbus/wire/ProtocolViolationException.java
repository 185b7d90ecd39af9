package io.minbus.wire;

/**
 * The peer broke a rule of the minbus wire protocol. The connection it arrived on must be closed;
 * nothing else is affected. The message names the rule, the section of {@code docs/protocol.md} that
 * defines it, and what was seen.
 */
public final class ProtocolViolationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Violation violation;

    public ProtocolViolationException(Violation violation, String detail) {
        super("protocol violation " + violation + " (docs/protocol.md §" + violation.section() + "): "
                + detail + "; the connection is closed");
        this.violation = violation;
    }

    /** Which rule was broken. */
    public Violation violation() {
        return violation;
    }
}
