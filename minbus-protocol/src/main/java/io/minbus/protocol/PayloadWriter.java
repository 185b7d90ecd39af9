package io.minbus.protocol;

import java.nio.ByteBuffer;

/** Builds one payload of a known size; {@link #done()} returns it ready to read. */
final class PayloadWriter {
    private final ByteBuffer out;

    PayloadWriter(int size) {
        this.out = ByteBuffer.allocate(size);
    }

    PayloadWriter u8(int value) {
        out.put((byte) value);
        return this;
    }

    PayloadWriter u16(int value) {
        out.putShort((short) value);
        return this;
    }

    PayloadWriter bytes(byte[] value) {
        out.put(value);
        return this;
    }

    PayloadWriter bytes(ByteBuffer value) {
        out.put(value.duplicate());
        return this;
    }

    /** name length, name, version (§2). */
    PayloadWriter tuple(byte[] name, int version) {
        return u8(name.length).bytes(name).u16(version);
    }

    ByteBuffer done() {
        if (out.hasRemaining()) {
            throw new IllegalStateException("payload sized " + out.capacity() + " but " + out.position()
                    + " bytes written");
        }
        return out.flip();
    }
}
