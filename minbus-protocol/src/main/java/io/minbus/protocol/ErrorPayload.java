package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An end payload the server sends for a reason of its own (docs/minbus.md §2):
 *
 * <pre>
 *  offset  size  field
 *  (empty)             UNEXPECTED
 *  0       1     class    00 = lacks a resource, 01 = refused or broken
 *  1       1     code     optional detail ({@link Reason})
 *  2       2     version  only for VERSION_TOO_LOW: the target's version, u16 big-endian
 * </pre>
 *
 * <p>Decoding is tolerant (it comes from the server): an unknown code reads as its class, bytes after
 * the known fields are ignored. A class other than {@code 00}/{@code 01} is malformed.
 *
 * @param reason        why
 * @param targetVersion the target's version, present exactly for {@link Reason#VERSION_TOO_LOW}
 */
public record ErrorPayload(Reason reason, OptionalInt targetVersion) {
    private static final String WHAT = "error";
    private static final String SECTION = "2";
    /** Offset of the class byte. */
    public static final int CLASS_OFFSET = 0;
    /** Offset of the code byte. */
    public static final int CODE_OFFSET = 1;
    /** Offset of the target's version in a {@link Reason#VERSION_TOO_LOW} payload. */
    public static final int VERSION_OFFSET = 2;

    /** @throws IllegalArgumentException if the version is missing, extra or outside 0..65535 */
    public ErrorPayload {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(targetVersion, "targetVersion");
        if ((reason == Reason.VERSION_TOO_LOW) != targetVersion.isPresent()) {
            throw new IllegalArgumentException("an error payload carries the target's version exactly when the"
                    + " reason is VERSION_TOO_LOW; got " + reason + " with " + targetVersion
                    + "; use ErrorPayload.of(reason) or ErrorPayload.versionTooLow(version)");
        }
        targetVersion.ifPresent(v -> Names.checkVersion(v, "target version"));
    }

    /** The payload for a reason without detail bytes. */
    public static ErrorPayload of(Reason reason) {
        return new ErrorPayload(reason, OptionalInt.empty());
    }

    /** {@code 01 02 vv vv}: the target's version is below the minimum asked for. */
    public static ErrorPayload versionTooLow(int targetVersion) {
        return new ErrorPayload(Reason.VERSION_TOO_LOW, OptionalInt.of(targetVersion));
    }

    /** The payload bytes. */
    public ByteBuffer encode() {
        if (reason == Reason.UNEXPECTED) {
            return ByteBuffer.allocate(0);
        }
        if (reason.codeByte() < 0) {
            return new PayloadWriter(1).u8(reason.classByte()).done();
        }
        if (reason == Reason.VERSION_TOO_LOW) {
            return new PayloadWriter(4).u8(reason.classByte()).u8(reason.codeByte())
                    .u16(targetVersion.getAsInt()).done();
        }
        return new PayloadWriter(2).u8(reason.classByte()).u8(reason.codeByte()).done();
    }

    /**
     * Decodes an error payload tolerantly.
     *
     * @throws MalformedPayloadException on an unknown class or a cut-short version
     */
    public static ErrorPayload decode(ByteBuffer payload) {
        return read(new PayloadReader(WHAT, SECTION, payload));
    }

    static ErrorPayload read(PayloadReader in) {
        if (!in.hasRemaining()) {
            return of(Reason.UNEXPECTED);
        }
        int errorClass = in.u8("class");
        if (errorClass != Reason.CLASS_RESOURCES && errorClass != Reason.CLASS_REFUSED) {
            throw in.fail(String.format("class %02x is neither 00 (resources) nor 01 (refused)", errorClass));
        }
        if (!in.hasRemaining()) {
            return of(errorClass == Reason.CLASS_RESOURCES ? Reason.NO_RESOURCES : Reason.REFUSED);
        }
        Reason reason = Reason.of(errorClass, in.u8("code"));
        if (reason == Reason.VERSION_TOO_LOW) {
            return versionTooLow(in.u16("target version"));
        }
        return of(reason);
    }

    @Override
    public String toString() {
        return targetVersion.isPresent() ? reason + " " + targetVersion.getAsInt() : reason.toString();
    }
}
