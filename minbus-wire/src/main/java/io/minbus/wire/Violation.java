package io.minbus.wire;

/**
 * The rules of {@code docs/protocol.md} whose breach aborts a connection (§11 there). Each constant
 * names the section that defines it, so an error message can point a reader at the rule.
 */
public enum Violation {
    PREAMBLE_MAGIC("3"),
    PREAMBLE_VERSION("3"),
    PREAMBLE_LIMITS("3"),
    TRUNCATED("3, 8"),
    NON_CANONICAL_VARU64("2"),
    RESERVED_BITS("9"),
    FRAME_TOO_LARGE("10"),
    PARTIAL_ZERO("9"),
    PARTIAL_NON_CANONICAL("9"),
    PARTIAL_TOO_LARGE("9"),
    PARTIAL_TARGET("9"),
    PARTIAL_OVERRUN("9"),
    CREATE_WITHOUT_PAYLOAD("7.1"),
    TOO_MANY_ENTITIES("10"),
    ID_IN_USE("7.1"),
    TOP_LEVEL("6, 7.1"),
    UNKNOWN_ENTITY("7.1"),
    NO_SUCH_HALF("6"),
    FLAG_NOT_ALLOWED("7"),
    CREDIT_EXCEEDED("7.2"),
    CREDIT_OVERFLOW("7.3"),
    AFTER_END("7, 8"),
    UNEXPECTED_ACK("7.7");

    private final String section;

    Violation(String section) {
        this.section = section;
    }

    /** The section(s) of {@code docs/protocol.md} that define this rule, e.g. {@code "7.2"}. */
    public String section() {
        return section;
    }
}
