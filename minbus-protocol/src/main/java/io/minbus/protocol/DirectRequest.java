package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.OptionalInt;

/**
 * "Introduce me to plugin {@code name} for a direct connection" (docs/minbus.md §19.2): the opening
 * payload of a request a plugin sends to the bus. The response is a {@link DirectOffer}; a refusal
 * ends the request with an error payload (§2).
 *
 * <pre>
 *  offset  size  field
 *  0       1     kind         02 = direct introduction
 *  1       1     n            u8, name length (1..255)
 *  2       n     name         UTF-8
 *  2+n     2     min_version  optional u16 big-endian
 * </pre>
 *
 * <p>Exactly {@code 2 + n} or {@code 4 + n} bytes, decoded strictly (it comes from a plugin), like
 * a connect (§8.1) with another kind byte.
 *
 * @param name       the target's name
 * @param minVersion the lowest acceptable version of the target; empty accepts any
 */
public record DirectRequest(String name, OptionalInt minVersion) {
    private static final String WHAT = "direct introduction";
    private static final String SECTION = "19.2";
    /** The kind byte: the first byte of the request's opening payload. */
    public static final int KIND = 0x02;

    /** @throws IllegalArgumentException on an invalid name or a minimum version outside 0..65535 */
    public DirectRequest {
        Names.utf8(name, false);
        minVersion.ifPresent(v -> Names.checkVersion(v, "minimum version"));
    }

    /** A direct introduction with the same target and minimum version as {@code connect}. */
    public static DirectRequest of(ConnectRequest connect) {
        return new DirectRequest(connect.name(), connect.minVersion());
    }

    /** The connect request with the same target and minimum version (for the checks of §8.2). */
    public ConnectRequest asConnect() {
        return new ConnectRequest(name, minVersion);
    }

    /** True if this request opening payload is a direct introduction (first byte {@code 02}). */
    public static boolean isDirect(ByteBuffer openingPayload) {
        return openingPayload.hasRemaining() && openingPayload.get(openingPayload.position()) == KIND;
    }

    /** The opening payload. */
    public ByteBuffer encode() {
        ByteBuffer connect = asConnect().encode();
        connect.put(0, (byte) KIND);
        return connect;
    }

    /**
     * Decodes strictly.
     *
     * @throws MalformedPayloadException if it is not a direct introduction or does not parse
     */
    public static DirectRequest decode(ByteBuffer payload) {
        return of(ConnectRequest.read(new PayloadReader(WHAT, SECTION, payload), KIND, "direct introduction"));
    }

    @Override
    public String toString() {
        return "direct \"" + name + "\"" + (minVersion.isPresent() ? " min " + minVersion.getAsInt() : "");
    }
}
