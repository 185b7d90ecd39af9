package io.minbus.protocol;

/**
 * Who may see a plugin and connect to it (docs/minbus.md §18.4), declared at registration by the
 * optional trailing byte of the registration message. A plugin a requester may not see is absent
 * from its listings and connection stream, and connecting to it fails as for a name nobody holds.
 */
public enum Visibility {
    /** {@code 00}: everyone, peers included. */
    ALWAYS(0x00),
    /** {@code 01}: trusted plugins only (the default when the byte is absent). */
    TRUSTED(0x01),
    /** {@code 02}: only connections that are the bus itself: in-process, or proved the bus's own key. */
    SERVER(0x02),
    /** {@code 03}: only connections with the same identity (the same proven key; all trusted plugins are one). */
    SAME(0x03),
    /** {@code 04}: nobody (the plugin can still connect to others). */
    NEVER(0x04),
    /**
     * {@code 05}: asked per requester. Connections of the plugin's own identity see it; for every
     * other requester the server asks the plugin once ({@link VisibilityQuestion}, docs/minbus.md
     * §18.7) and keeps the answer; no answer in time, or a malformed one, is a denial.
     */
    EXPLICIT(0x05);

    private final int code;

    Visibility(int code) {
        this.code = code;
    }

    /** The wire code. */
    public int code() {
        return code;
    }

    /** The visibility of a wire code, or null if unknown. */
    static Visibility ofCode(int code) {
        for (Visibility v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }
}
