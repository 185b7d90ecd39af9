package io.minbus.identity.internal;

/** Box-stream nonces: 24-byte big-endian counters that wrap around (as npm increment-buffer). */
final class Nonces {

    private Nonces() {}

    /** Adds one to {@code nonce} in place, big-endian, carrying; all-ones wraps to zero. */
    static void increment(byte[] nonce) {
        for (int i = nonce.length - 1; i >= 0; i--) {
            if (++nonce[i] != 0) {
                return;
            }
        }
    }
}
