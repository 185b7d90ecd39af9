package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Plugin names and versions: validation and UTF-8 conversion (docs/minbus.md §2). */
final class Names {
    /** The longest name in bytes. */
    static final int MAX_NAME_BYTES = 255;
    /** The highest version (a u16). */
    static final int MAX_VERSION = 0xFFFF;

    private Names() {
    }

    /**
     * The UTF-8 bytes of a name of 0..255 bytes ({@code allowEmpty}) or 1..255 bytes.
     *
     * @throws IllegalArgumentException with what is wrong and what a valid name is
     */
    static byte[] utf8(String name, boolean allowEmpty) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() && !allowEmpty) {
            throw new IllegalArgumentException("a plugin name must not be empty (1 to 255 bytes of UTF-8;"
                    + " the empty name only marks a nameless client)");
        }
        byte[] bytes;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(name));
            bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("plugin name \"" + name.replaceAll("\\p{C}", "?")
                    + "\" contains an unpaired surrogate and cannot be encoded as UTF-8", e);
        }
        if (bytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("plugin name is " + bytes.length + " bytes of UTF-8, at most "
                    + MAX_NAME_BYTES + " are allowed: \"" + name.substring(0, Math.min(name.length(), 40))
                    + "...\"");
        }
        return bytes;
    }

    /** Decodes well-formed UTF-8 or returns null (the caller reports it as malformed). */
    static String decodeOrNull(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** @throws IllegalArgumentException unless 0 <= version <= 65535 */
    static int checkVersion(int version, String what) {
        if (version < 0 || version > MAX_VERSION) {
            throw new IllegalArgumentException(what + " " + version + " is outside 0..65535 (a u16)");
        }
        return version;
    }
}
