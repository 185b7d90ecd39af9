package io.minbus.protocol;

import java.nio.ByteBuffer;

/**
 * A registered, named plugin as the bus lists it: its name and version (docs/minbus.md §2). Encoded
 * as a tuple:
 *
 * <pre>
 *  offset  size  field
 *  0       1     n        u8, name length (1..255)
 *  1       n     name     UTF-8
 *  1+n     2     version  u16 big-endian
 * </pre>
 *
 * @param name    1 to 255 bytes of UTF-8, compared byte for byte
 * @param version 0..65535; higher versions are backwards compatible with lower ones
 */
public record PluginInfo(String name, int version) {
    /** The longest name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = Names.MAX_NAME_BYTES;
    /** The highest version. */
    public static final int MAX_VERSION = Names.MAX_VERSION;
    /** Offset of the name length in a tuple. */
    public static final int NAME_LENGTH_OFFSET = 0;
    /** Offset of the name in a tuple. */
    public static final int NAME_OFFSET = 1;

    /**
     * @throws IllegalArgumentException if the name is empty, longer than 255 UTF-8 bytes, or not
     *                                  encodable; or the version is outside 0..65535
     */
    public PluginInfo {
        Names.utf8(name, false);
        Names.checkVersion(version, "version of plugin \"" + name + "\"");
    }

    /** Same as the constructor. */
    public static PluginInfo of(String name, int version) {
        return new PluginInfo(name, version);
    }

    /** The bytes of this tuple: {@code 3 + } the name's UTF-8 length. */
    public int encodedSize() {
        return 3 + Names.utf8(name, false).length;
    }

    /** The tuple alone. */
    public ByteBuffer encode() {
        byte[] bytes = Names.utf8(name, false);
        return new PayloadWriter(3 + bytes.length).tuple(bytes, version).done();
    }

    @Override
    public String toString() {
        return "\"" + name + "\" " + version;
    }
}
