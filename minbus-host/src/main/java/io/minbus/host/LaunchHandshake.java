package io.minbus.host;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The launch handshake (docs/host.md section 8): how a launched plugin proves on the bus that it is
 * the process the host started, without the bus server knowing anything about launches.
 *
 * <ol>
 *   <li>The plugin connects to {@code MINBUS_ADDRESS} and registers {@code MINBUS_PLUGIN_NAME}.
 *   <li>The host, which watches registrations with its own (nameless) bus connection, connects to
 *       the name and sends the <b>challenge</b>, the first message on the channel: the 17 ASCII bytes
 *       {@code MINBUS-CHALLENGE } followed by 64 lower-case hex digits (32 random bytes).
 *   <li>The plugin answers with the <b>proof</b>: {@code MINBUS-PROOF } followed by the 64 lower-case
 *       hex digits of {@code HMAC-SHA256(key = the 32 bytes MINBUS_PLUGIN_SECRET encodes in hex,
 *       message = every byte of the challenge message as received)}.
 *   <li>The host answers with the <b>verdict</b>: {@code MINBUS-OK}, or {@code MINBUS-DENIED }
 *       followed by a reason (then it closes the channel, stops the process and fails the start).
 *   <li>After {@code MINBUS-OK} the channel stays open as the <b>control channel</b>: the host sends
 *       {@code MINBUS-STOP} on it to ask the plugin to stop (the {@link StopHook}); the plugin
 *       should exit with status 0 soon after.
 * </ol>
 *
 * <p>All messages are ASCII, without line ends. Until it has received {@code MINBUS-OK}, the plugin
 * denies connections from named initiators (the host's connection is nameless) and closes accepted
 * channels whose first message is not a challenge.
 */
public final class LaunchHandshake {

    /** The challenge message's prefix. */
    public static final String CHALLENGE_PREFIX = "MINBUS-CHALLENGE ";
    /** The proof message's prefix. */
    public static final String PROOF_PREFIX = "MINBUS-PROOF ";
    /** The host accepted the proof. */
    public static final String OK = "MINBUS-OK";
    /** The host rejected the proof; a reason follows. */
    public static final String DENIED_PREFIX = "MINBUS-DENIED ";
    /** On the control channel: the host asks the plugin to stop. */
    public static final String STOP = "MINBUS-STOP";

    private LaunchHandshake() {}

    /** Only the host makes challenges: a plugin never pays for seeding a {@code SecureRandom}. */
    private static final class Random {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    /** A new challenge message: {@code MINBUS-CHALLENGE } and 64 hex digits. */
    public static String newChallenge() {
        byte[] nonce = new byte[32];
        Random.INSTANCE.nextBytes(nonce);
        return CHALLENGE_PREFIX + HexFormat.of().formatHex(nonce);
    }

    /** Whether {@code message} is a well-formed challenge. */
    public static boolean isChallenge(String message) {
        return message.length() == CHALLENGE_PREFIX.length() + 64 && message.startsWith(CHALLENGE_PREFIX)
                && isLowerHex(message.substring(CHALLENGE_PREFIX.length()));
    }

    /**
     * The proof message answering {@code challenge}.
     *
     * @param secret {@code MINBUS_PLUGIN_SECRET}, 64 hex digits
     * @param challenge the challenge message, exactly as received
     */
    public static String proof(String secret, String challenge) {
        return PROOF_PREFIX + HexFormat.of().formatHex(hmac(secret, challenge));
    }

    /** Whether {@code proof} answers {@code challenge} for {@code secret}; constant time in the proof's digits. */
    public static boolean verify(String secret, String challenge, String proof) {
        byte[] expected = proof(secret, challenge).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, proof.getBytes(StandardCharsets.US_ASCII));
    }

    /** The reason in a {@code MINBUS-DENIED} verdict, or empty if {@code verdict} is not one. */
    public static Optional<String> deniedReason(String verdict) {
        return verdict.startsWith(DENIED_PREFIX) ? Optional.of(verdict.substring(DENIED_PREFIX.length())) : Optional.empty();
    }

    /**
     * HMAC-SHA256 (RFC 2104) over {@code MessageDigest}: the same bytes as {@code Mac}, but a
     * launched plugin does not load the JCA's provider search for it (about 25 ms of a Java
     * plugin's start, docs/benchmarks.md).
     */
    static byte[] hmac(String secret, String challenge) {
        byte[] key = HexFormat.of().parseHex(secret);
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        if (key.length > HMAC_BLOCK) {
            key = sha256.digest(key);
        }
        byte[] inner = new byte[HMAC_BLOCK];
        byte[] outer = new byte[HMAC_BLOCK];
        for (int i = 0; i < HMAC_BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            inner[i] = (byte) (k ^ 0x36);
            outer[i] = (byte) (k ^ 0x5c);
        }
        sha256.update(inner);
        byte[] innerHash = sha256.digest(challenge.getBytes(StandardCharsets.US_ASCII));
        sha256.update(outer);
        return sha256.digest(innerHash);
    }

    /** SHA-256's block size in bytes. */
    private static final int HMAC_BLOCK = 64;

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
