package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Hex rendering of payloads for error messages, cut after a few dozen bytes. */
final class Hex {
    private static final int MAX_SHOWN = 48;

    private Hex() {
    }

    static String of(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        int shown = Math.min(b.remaining(), MAX_SHOWN);
        byte[] bytes = new byte[shown];
        b.get(bytes);
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes);
        int more = buffer.remaining() - shown;
        return more > 0 ? hex + " ... (" + more + " more)" : hex;
    }
}
