package io.minbus.identity.internal;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl's {@code crypto_secretbox}: XSalsa20 encryption with a Poly1305 tag, keyed by the first 32
 * bytes of the XSalsa20 key stream (which are not used for encryption). The "easy" layout is
 * {@code tag (16) || ciphertext}; the detached form keeps the tag apart. XSalsa20Engine and
 * Poly1305 come from Bouncy Castle, as the JDK has neither.
 *
 * <p>Not thread-safe: one instance per thread or under a lock.
 */
public final class SecretBox {

    /** Length of a key. */
    public static final int KEY_BYTES = 32;
    /** Length of a nonce. */
    public static final int NONCE_BYTES = 24;
    /** Length of the Poly1305 tag. */
    public static final int MAC_BYTES = 16;

    private final XSalsa20Engine cipher = new XSalsa20Engine();
    private final Poly1305 mac = new Poly1305();
    private final byte[] macKey = new byte[32];
    private final byte[] tag = new byte[MAC_BYTES];

    /** {@code crypto_secretbox_easy}: returns {@code tag || ciphertext}. */
    public static byte[] seal(byte[] plaintext, byte[] nonce, byte[] key) {
        byte[] boxed = new byte[MAC_BYTES + plaintext.length];
        new SecretBox().sealDetached(key, nonce, plaintext, 0, plaintext.length, boxed, MAC_BYTES, boxed, 0);
        return boxed;
    }

    /** {@code crypto_secretbox_open_easy}: the plaintext, or null if the tag does not verify. */
    public static byte[] open(byte[] boxed, byte[] nonce, byte[] key) {
        if (boxed.length < MAC_BYTES) {
            return null;
        }
        byte[] plaintext = new byte[boxed.length - MAC_BYTES];
        boolean ok = new SecretBox()
                .openDetached(key, nonce, boxed, 0, boxed, MAC_BYTES, plaintext.length, plaintext, 0);
        return ok ? plaintext : null;
    }

    /**
     * Encrypts {@code length} bytes of {@code in} from {@code inOffset} into {@code out} at {@code
     * outOffset} (the same length) and writes the 16-byte tag to {@code tagOut} at {@code
     * tagOffset}. {@code out} may be {@code in} at the same offset.
     */
    public void sealDetached(byte[] key, byte[] nonce, byte[] in, int inOffset, int length,
            byte[] out, int outOffset, byte[] tagOut, int tagOffset) {
        start(key, nonce);
        cipher.processBytes(in, inOffset, length, out, outOffset);
        mac.update(out, outOffset, length);
        mac.doFinal(tagOut, tagOffset);
        wipeMacKey();
    }

    /**
     * Checks the tag at {@code tagIn[tagOffset..+16]} over {@code length} bytes of ciphertext in
     * {@code in} from {@code inOffset} and, only if it verifies, decrypts them into {@code out} at
     * {@code outOffset}.
     *
     * @return whether the tag verified (if not, {@code out} is untouched)
     */
    public boolean openDetached(byte[] key, byte[] nonce, byte[] tagIn, int tagOffset,
            byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        start(key, nonce);
        mac.update(in, inOffset, length);
        mac.doFinal(tag, 0);
        wipeMacKey();
        byte[] expected = Bytes.slice(tagIn, tagOffset, MAC_BYTES);
        if (!MessageDigest.isEqual(tag, expected)) {
            return false;
        }
        cipher.processBytes(in, inOffset, length, out, outOffset);
        return true;
    }

    private void start(byte[] key, byte[] nonce) {
        if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("secretbox takes a 32-byte key and a 24-byte nonce");
        }
        cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        Arrays.fill(macKey, (byte) 0);
        cipher.processBytes(macKey, 0, macKey.length, macKey, 0); // first 32 key-stream bytes
        mac.init(new KeyParameter(macKey));
    }

    private void wipeMacKey() {
        Arrays.fill(macKey, (byte) 0);
    }
}
