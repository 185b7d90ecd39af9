package io.minbus.protocol;

import java.nio.ByteBuffer;

/**
 * A plugin's answer to a {@link VisibilityQuestion} (docs/minbus.md §18.7): exactly one byte.
 *
 * <pre>
 *  offset  size  field
 *  0       1     answer   00 = allow (the requester may see and connect to the plugin), 01 = deny
 * </pre>
 *
 * <p>Decoding is strict (it comes from a plugin): any other length or value is malformed, which the
 * server reads as a denial.
 */
public enum VisibilityAnswer {
    /** {@code 00}: the requester may see the plugin. */
    ALLOW,
    /** {@code 01}: the plugin stays absent for the requester. */
    DENY;

    private static final String WHAT = "visibility answer";
    private static final String SECTION = "18.7";

    /** The answer for a boolean decision. */
    public static VisibilityAnswer of(boolean allow) {
        return allow ? ALLOW : DENY;
    }

    /** The response bytes. */
    public ByteBuffer encode() {
        return new PayloadWriter(1).u8(ordinal()).done();
    }

    /**
     * Decodes strictly.
     *
     * @throws MalformedPayloadException unless the payload is exactly {@code 00} or {@code 01}
     */
    public static VisibilityAnswer decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        int b = in.u8("answer");
        if (b > 1) {
            throw in.fail(String.format("answer %02x is neither 00 (allow) nor 01 (deny)", b));
        }
        in.end();
        return values()[b];
    }

    @Override
    public String toString() {
        return "answer " + name().toLowerCase(java.util.Locale.ROOT);
    }
}
