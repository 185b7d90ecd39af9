package io.minbus.identity.internal;

import java.math.BigInteger;
import java.util.Arrays;

/** Byte-array helpers: concatenation, slices, little-endian integers, wiping. */
public final class Bytes {

    private Bytes() {}

    /** The concatenation of {@code parts}. */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] result = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, result, offset, part.length);
            offset += part.length;
        }
        return result;
    }

    /** A copy of {@code length} bytes of {@code data} from {@code offset}. */
    public static byte[] slice(byte[] data, int offset, int length) {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    /** The unsigned little-endian integer in {@code data}. */
    public static BigInteger littleEndian(byte[] data) {
        byte[] bigEndian = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            bigEndian[i] = data[data.length - 1 - i];
        }
        return new BigInteger(1, bigEndian);
    }

    /** {@code value} as {@code length} little-endian bytes; {@code value} must fit. */
    public static byte[] littleEndian(BigInteger value, int length) {
        byte[] bigEndian = value.toByteArray(); // may have a leading sign byte
        byte[] result = new byte[length];
        for (int i = 0; i < bigEndian.length && i < length; i++) {
            result[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return result;
    }

    /** Overwrites every array with zeros. */
    public static void wipe(byte[]... secrets) {
        for (byte[] secret : secrets) {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }
}
