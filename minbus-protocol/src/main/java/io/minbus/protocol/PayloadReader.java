package io.minbus.protocol;

import java.nio.ByteBuffer;

/**
 * Reads the fields of one payload from a private view of the caller's buffer, raising {@link
 * MalformedPayloadException} with the payload's name and spec section on every problem.
 */
final class PayloadReader {
    private final String payload;
    private final String section;
    private final ByteBuffer original;
    private final ByteBuffer in;

    PayloadReader(String payload, String section, ByteBuffer buffer) {
        this.payload = payload;
        this.section = section;
        this.original = buffer.duplicate();
        this.in = buffer.duplicate();
    }

    int remaining() {
        return in.remaining();
    }

    boolean hasRemaining() {
        return in.hasRemaining();
    }

    int u8(String field) {
        need(1, field);
        return in.get() & 0xFF;
    }

    int u16(String field) {
        need(2, field);
        return in.getShort() & 0xFFFF;
    }

    /** The kind byte, which must be {@code expected}; {@code kind} names that kind in the error. */
    void kind(int expected, String kind) {
        int actual = u8("kind");
        if (actual != expected) {
            throw fail(String.format("kind %02x is not %02x (%s)", actual, expected, kind));
        }
    }

    /** {@code n} raw bytes. */
    byte[] bytes(int n, String field) {
        need(n, field);
        byte[] out = new byte[n];
        in.get(out);
        return out;
    }

    /** A tuple (§2). With {@code allowEmpty}, a zero-length name is returned as "". */
    Tuple tuple(boolean allowEmpty) {
        int n = u8("name length");
        if (n == 0 && !allowEmpty) {
            throw fail("a tuple has an empty name; only nameless clients have one, and they are never listed");
        }
        String name = name(n);
        int version = u16("version of \"" + name + "\"");
        return new Tuple(name, version);
    }

    /** A name of {@code n} bytes that must be well-formed UTF-8. */
    String name(int n) {
        need(n, "name of " + n + " bytes");
        ByteBuffer bytes = in.slice(in.position(), n);
        in.position(in.position() + n);
        String name = Names.decodeOrNull(bytes);
        if (name == null) {
            throw fail("the name is not well-formed UTF-8");
        }
        return name;
    }

    /** Strict payloads: nothing may follow the last field. */
    void end() {
        if (in.hasRemaining()) {
            throw fail(in.remaining() + " unexpected byte(s) after the last field");
        }
    }

    MalformedPayloadException fail(String problem) {
        return new MalformedPayloadException(payload, section, problem, Hex.of(original));
    }

    private void need(int n, String field) {
        if (in.remaining() < n) {
            throw fail("the payload ends inside the " + field + " (" + n + " byte(s) needed, "
                    + in.remaining() + " left)");
        }
    }

    /** A decoded tuple; the name may be empty where allowed. */
    record Tuple(String name, int version) {
    }
}
