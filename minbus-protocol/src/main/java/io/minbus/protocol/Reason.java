package io.minbus.protocol;

import java.util.OptionalInt;

/**
 * Why the server ended something on its own account (docs/minbus.md §2). An error payload is empty
 * ({@link #UNEXPECTED}), or a class byte ({@code 00}: the server lacks a resource; {@code 01}:
 * refused or broken) optionally followed by a code byte. The draft's payloads {@code 00} and
 * {@code 01} are {@link #NO_RESOURCES} and {@link #REFUSED}; the codes add detail that a plugin that
 * only knows the draft can ignore.
 */
public enum Reason {
    /** Empty payload: unexpected entity, second connection stream, or relay a→b already exists. */
    UNEXPECTED(Reason.NONE, Reason.NONE),
    /** {@code 00}: the server could not reserve the relay (the draft's allocation failure). */
    NO_RESOURCES(Reason.CLASS_RESOURCES, Reason.NONE),
    /** {@code 01}: the target denied, or the other plugin of a relay went away. */
    REFUSED(Reason.CLASS_REFUSED, Reason.NONE),
    /** {@code 01 01}: no plugin of that name is connected. */
    NO_SUCH_PLUGIN(Reason.CLASS_REFUSED, 0x01),
    /** {@code 01 02 vv vv}: the target's version (following) is below the requested minimum. */
    VERSION_TOO_LOW(Reason.CLASS_REFUSED, 0x02),
    /** {@code 01 03}: a registration or connect payload does not parse. */
    MALFORMED(Reason.CLASS_REFUSED, 0x03),
    /** {@code 01 04}: another connection holds the name. */
    NAME_TAKEN(Reason.CLASS_REFUSED, 0x04),
    /** {@code 01 05}: the process already holds {@code max_names_per_process} names. */
    PROCESS_NAME_LIMIT(Reason.CLASS_REFUSED, 0x05),
    /** {@code 01 06}: no registration arrived within {@code registration_timeout}. */
    REGISTRATION_TIMEOUT(Reason.CLASS_REFUSED, 0x06),
    /** {@code 00 07}: the initiator already takes part in {@code max_relays_per_plugin} relays. */
    RELAY_LIMIT(Reason.CLASS_RESOURCES, 0x07),
    /** {@code 00 08}: the target is at its relay limit or at its declared {@code max_entities}. */
    TARGET_RELAY_LIMIT(Reason.CLASS_RESOURCES, 0x08),
    /** {@code 01 09}: a relayed message exceeds the receiver's {@code max_message}. */
    MESSAGE_TOO_LARGE(Reason.CLASS_REFUSED, 0x09),
    /** {@code 01 0a}: a connection stream's unsent events exceeded {@code watch_backlog}. */
    WATCH_BACKLOG(Reason.CLASS_REFUSED, 0x0a),
    /** {@code 01 0b}: the server is shutting down. */
    SHUTDOWN(Reason.CLASS_REFUSED, 0x0b),
    /** {@code 01 0c}: reserved for the identity and visibility policy. */
    NOT_PERMITTED(Reason.CLASS_REFUSED, 0x0c),
    /**
     * {@code 01 0d}: no direct connection (docs/minbus.md §19.2): the target does not offer one (it
     * did not opt in, declined, did not answer in time), or the two plugins are not on the same
     * machine as the same user. A relayed connection may still work.
     */
    NO_DIRECT(Reason.CLASS_REFUSED, 0x0d),
    /** {@code 00 0e}: the target has {@code max_visibility_questions} direct questions pending (§19.2). */
    DIRECT_BUSY(Reason.CLASS_RESOURCES, 0x0e);

    /** Class byte: the server lacks a resource. */
    public static final int CLASS_RESOURCES = 0x00;
    /** Class byte: refused or broken. */
    public static final int CLASS_REFUSED = 0x01;
    private static final int NONE = -1;

    private final int errorClass;
    private final int code;

    Reason(int errorClass, int code) {
        this.errorClass = errorClass;
        this.code = code;
    }

    /** The class byte, empty for {@link #UNEXPECTED}. */
    public OptionalInt errorClass() {
        return errorClass == NONE ? OptionalInt.empty() : OptionalInt.of(errorClass);
    }

    /** The code byte, empty for the three reasons the draft defines. */
    public OptionalInt code() {
        return code == NONE ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /** True for the reasons of class {@code 00}: trying again later may succeed. */
    public boolean isResourceShortage() {
        return errorClass == CLASS_RESOURCES;
    }

    int classByte() {
        return errorClass;
    }

    int codeByte() {
        return code;
    }

    /** The reason with this class and code, or the class alone when the code is unknown or belongs to the other class. */
    static Reason of(int errorClass, int code) {
        for (Reason r : values()) {
            if (r.errorClass == errorClass && r.code == code) {
                return r;
            }
        }
        return errorClass == CLASS_RESOURCES ? NO_RESOURCES : REFUSED;
    }
}
