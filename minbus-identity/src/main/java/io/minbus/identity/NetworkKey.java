package io.minbus.identity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The 32-byte key that every secret handshake is authenticated with (Scuttlebutt calls it the
 * application key, "caps.shs"). Only endpoints with the same network key complete a handshake, so
 * it names the protocol: {@link #MINBUS} is minbus protocol 1. A private deployment may use a
 * secret key of its own to keep strangers out before they learn anything; {@link #toString()}
 * never shows a key other than the public constant.
 */
public final class NetworkKey {

    /** Length of a network key. */
    public static final int BYTES = 32;

    /**
     * The minbus network key: SHA-256 of the ASCII bytes {@code minbus/1}, that is {@code
     * d27fdb82d30dee1c94fdf0222a4ed04ba5cfa2bae175c6de86c3776ab91756c0} (base64 {@code
     * 0n/bgtMN7hyU/fAiKk7QS6XPorrhdcbehsN3arkXVsA=}). A later incompatible protocol gets a new
     * key, so old and new endpoints fail at the first message instead of misreading each other.
     */
    public static final NetworkKey MINBUS = new NetworkKey(
            HexFormat.of().parseHex("d27fdb82d30dee1c94fdf0222a4ed04ba5cfa2bae175c6de86c3776ab91756c0"));

    private final byte[] key;

    private NetworkKey(byte[] key) {
        this.key = key;
    }

    /**
     * A network key of one's own (copied).
     *
     * @throws IllegalArgumentException if it is not 32 bytes
     */
    public static NetworkKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != BYTES) {
            throw new IllegalArgumentException("a network key has 32 bytes, not " + key.length);
        }
        return new NetworkKey(key.clone());
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    /** {@code NetworkKey[minbus/1]} for {@link #MINBUS}, else {@code NetworkKey[custom]}. */
    @Override
    public String toString() {
        return equals(MINBUS) ? "NetworkKey[minbus/1]" : "NetworkKey[custom]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NetworkKey that && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
