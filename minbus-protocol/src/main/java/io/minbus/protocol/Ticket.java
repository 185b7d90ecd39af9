package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A one-time ticket for a direct connection (docs/minbus.md §19): 32 random bytes the target makes
 * up, hands to the bus in its {@link DirectOffer}, and expects first on its direct socket ({@link
 * DirectPreamble}). Compare tickets with {@link #matches}, which takes the same time whatever the
 * bytes.
 */
public final class Ticket {
    /** Bytes in a ticket. */
    public static final int BYTES = 32;

    private final byte[] bytes;

    private Ticket(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A fresh ticket from {@code random} (a {@link SecureRandom}). */
    public static Ticket random(SecureRandom random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        return new Ticket(b);
    }

    /** @throws IllegalArgumentException unless {@code bytes} has 32 bytes */
    public static Ticket of(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a ticket has " + BYTES + " bytes, not " + bytes.length);
        }
        return new Ticket(bytes.clone());
    }

    /** From standard base64 (as in the test vectors). */
    public static Ticket fromBase64(String base64) {
        return of(Base64.getDecoder().decode(base64));
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes, read-only. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** Standard base64. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Constant-time comparison (no early exit on the first differing byte). */
    public boolean matches(Ticket other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ticket t && matches(t);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Only the first 4 bytes, so that logs never hold a usable ticket. */
    @Override
    public String toString() {
        return "ticket " + HexFormat.of().formatHex(bytes, 0, 4) + "...";
    }
}
