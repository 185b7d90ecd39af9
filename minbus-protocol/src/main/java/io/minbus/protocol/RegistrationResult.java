package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's only top-level message: the answer to a registration (docs/minbus.md §4.2).
 *
 * <pre>
 *  offset  size  field
 *  0       1     status   00 = registered, 01 = refused
 *  1       1     code     when refused: the {@link Reason} code (§2)
 * </pre>
 *
 * <p>Decoding is tolerant: bytes after {@code 00}, or after a known refusal, are ignored.
 *
 * @param refusal empty when registered
 */
public record RegistrationResult(Optional<ErrorPayload> refusal) {
    private static final String WHAT = "registration result";
    private static final String SECTION = "4.2";
    private static final int REGISTERED = 0x00;

    /** @throws IllegalArgumentException if the refusal is not of class {@code 01} */
    public RegistrationResult {
        Objects.requireNonNull(refusal, "refusal");
        refusal.ifPresent(r -> {
            if (r.reason().classByte() != Reason.CLASS_REFUSED) {
                throw new IllegalArgumentException("a registration can only be refused with a reason of class 01,"
                        + " not " + r.reason() + " (00 means registered)");
            }
        });
    }

    /** {@code 00}: registered. */
    public static RegistrationResult accepted() {
        return new RegistrationResult(Optional.empty());
    }

    /** {@code 01 cc}: refused for {@code reason}. */
    public static RegistrationResult refused(Reason reason) {
        return new RegistrationResult(Optional.of(ErrorPayload.of(reason)));
    }

    /** True when registered. */
    public boolean isAccepted() {
        return refusal.isEmpty();
    }

    /** The message bytes. */
    public ByteBuffer encode() {
        return refusal.map(ErrorPayload::encode)
                .orElseGet(() -> new PayloadWriter(1).u8(REGISTERED).done());
    }

    /**
     * Decodes a registration result tolerantly.
     *
     * @throws MalformedPayloadException if empty or the status is neither 00 nor 01
     */
    public static RegistrationResult decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        if (!in.hasRemaining()) {
            throw in.fail("the result is empty (00 = registered, 01 cc = refused)");
        }
        if ((payload.get(payload.position()) & 0xFF) == REGISTERED) {
            return accepted();
        }
        if ((payload.get(payload.position()) & 0xFF) != Reason.CLASS_REFUSED) {
            throw in.fail("the status byte is neither 00 (registered) nor 01 (refused)");
        }
        return new RegistrationResult(Optional.of(ErrorPayload.read(in)));
    }

    @Override
    public String toString() {
        return refusal.map(r -> "refused " + r).orElse("registered");
    }
}
