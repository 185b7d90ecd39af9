package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.OptionalInt;

/**
 * The opening payload of a connect duplex: "connect me to plugin {@code name}, at least version
 * {@code minVersion}" (docs/minbus.md §8.1).
 *
 * <pre>
 *  offset  size  field
 *  0       1     kind         00 = connect
 *  1       1     n            u8, name length (1..255)
 *  2       n     name         UTF-8
 *  2+n     2     min_version  optional u16 big-endian
 * </pre>
 *
 * <p>Exactly {@code 2 + n} or {@code 4 + n} bytes; decoding is strict (it comes from a plugin). A
 * duplex payload that is empty or does not start with {@code 00} is not a connect at all but an
 * unexpected duplex (§12): check {@link #isConnect(ByteBuffer)} before decoding.
 *
 * @param name       the target's name
 * @param minVersion the lowest acceptable version of the target; empty accepts any
 */
public record ConnectRequest(String name, OptionalInt minVersion) {
    private static final String WHAT = "connect";
    private static final String SECTION = "8.1";
    /** The kind byte of a connect. */
    public static final int KIND = 0x00;
    /** Offset of the name length. */
    public static final int NAME_LENGTH_OFFSET = 1;
    /** Offset of the name. */
    public static final int NAME_OFFSET = 2;

    /** @throws IllegalArgumentException on an invalid name or a minimum version outside 0..65535 */
    public ConnectRequest {
        Names.utf8(name, false);
        minVersion.ifPresent(v -> Names.checkVersion(v, "minimum version"));
    }

    /** Any version of {@code name}. */
    public static ConnectRequest to(String name) {
        return new ConnectRequest(name, OptionalInt.empty());
    }

    /** {@code name} at version {@code minVersion} or later. */
    public static ConnectRequest to(String name, int minVersion) {
        return new ConnectRequest(name, OptionalInt.of(minVersion));
    }

    /** True if a target of this version satisfies the request. */
    public boolean accepts(int version) {
        return minVersion.isEmpty() || version >= minVersion.getAsInt();
    }

    /** True if this duplex opening payload is a connect (non-empty, first byte {@code 00}). */
    public static boolean isConnect(ByteBuffer openingPayload) {
        return openingPayload.hasRemaining() && openingPayload.get(openingPayload.position()) == KIND;
    }

    /** The opening payload. */
    public ByteBuffer encode() {
        byte[] bytes = Names.utf8(name, false);
        PayloadWriter out = new PayloadWriter(2 + bytes.length + (minVersion.isPresent() ? 2 : 0))
                .u8(KIND).u8(bytes.length).bytes(bytes);
        minVersion.ifPresent(out::u16);
        return out.done();
    }

    /**
     * Decodes a connect payload strictly.
     *
     * @throws MalformedPayloadException if it is not a connect or does not parse
     */
    public static ConnectRequest decode(ByteBuffer payload) {
        return read(new PayloadReader(WHAT, SECTION, payload), KIND, "connect");
    }

    /**
     * Reads the layout a connect shares with a direct introduction (§19.2) strictly: the kind byte,
     * which must be {@code kind} ({@code kindName} in the error), the name and an optional min_version.
     */
    static ConnectRequest read(PayloadReader in, int kind, String kindName) {
        in.kind(kind, kindName);
        int n = in.u8("name length");
        if (n == 0) {
            throw in.fail("the name is empty; nameless clients cannot be connected to");
        }
        String name = in.name(n);
        OptionalInt min = OptionalInt.empty();
        if (in.remaining() == 2) {
            min = OptionalInt.of(in.u16("min_version"));
        } else if (in.hasRemaining()) {
            throw in.fail(in.remaining() + " byte(s) after the name; only a 2-byte min_version may follow");
        }
        return new ConnectRequest(name, min);
    }

    @Override
    public String toString() {
        return "connect \"" + name + "\"" + (minVersion.isPresent() ? " min " + minVersion.getAsInt() : "");
    }
}
