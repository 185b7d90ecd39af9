package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.MalformedMessageException.Rule;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/** The bodies of the built-in commands (docs/rpc.md §3, §4): pure encoders and decoders. */
public final class Bodies {

    /** The body of {@code cmd.open}: {@code INSTANCE 0x00 CODEC 0x00 CONFIG}. */
    public record Open(String instance, String codec, byte[] config) {}

    /** The body of {@code cmd.attach}: {@code TOKEN 0x00 REF}. */
    public record Attach(String token, long ref) {}

    /** The body of {@code cmd.error}: {@code TYPE 0x00 MESSAGE}, or only {@code MESSAGE}. */
    public record Error(String type, String message) {}

    private Bodies() {}

    /** Encodes an error body; minbus-rpc always writes the type and the 0x00. */
    public static byte[] error(String type, String message) {
        return (type + '\0' + message).getBytes(UTF_8);
    }

    /** Decodes an error body: text before the first 0x00 is the type; without 0x00 there is none. */
    public static Error error(ByteBuffer body) {
        String text = new String(bytes(body), UTF_8);
        int nul = text.indexOf('\0');
        return nul < 0 ? new Error("", text) : new Error(text.substring(0, nul), text.substring(nul + 1));
    }

    /** Encodes the body of {@code cmd.open}. */
    public static byte[] open(String instance, String codec, byte[] config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(instance.getBytes(UTF_8));
        out.write(0);
        out.writeBytes(codec.getBytes(UTF_8));
        out.write(0);
        out.writeBytes(config);
        return out.toByteArray();
    }

    /** Decodes the body of {@code cmd.open}. */
    public static Open open(ByteBuffer body) {
        byte[] b = bytes(body);
        int first = indexOf(b, 0, "cmd.open needs INSTANCE 0x00 CODEC 0x00 CONFIG");
        int second = indexOf(b, first + 1, "cmd.open needs INSTANCE 0x00 CODEC 0x00 CONFIG; the 0x00 after CODEC is missing");
        byte[] config = new byte[b.length - second - 1];
        System.arraycopy(b, second + 1, config, 0, config.length);
        return new Open(new String(b, 0, first, UTF_8), new String(b, first + 1, second - first - 1, UTF_8), config);
    }

    /** Encodes the body of {@code cmd.attach}. */
    public static byte[] attach(String token, long ref) {
        return (token + '\0' + ref).getBytes(UTF_8);
    }

    /** Decodes the body of {@code cmd.attach}. */
    public static Attach attach(ByteBuffer body) {
        byte[] b = bytes(body);
        int nul = indexOf(b, 0, "cmd.attach needs TOKEN 0x00 REF");
        String token = token(ByteBuffer.wrap(b, 0, nul));
        long ref = FrameCodec.decimalBody(ByteBuffer.wrap(b, nul + 1, b.length - nul - 1), "REF of cmd.attach");
        if (ref == 0) {
            throw new MalformedMessageException(Rule.BODY, "REF of cmd.attach must be 1 or more");
        }
        return new Attach(token, ref);
    }

    /** Checks a session token: 32 lowercase hex digits. */
    public static String token(ByteBuffer body) {
        String t = new String(bytes(body), UTF_8);
        if (t.length() != 32 || !t.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new MalformedMessageException(Rule.BODY, "a session token is 32 lowercase hex digits, got '" + t + "'");
        }
        return t;
    }

    /** A fresh random session token. */
    public static String newToken() {
        byte[] b = new byte[16];
        Tokens.RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static int indexOf(byte[] b, int from, String layout) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        throw new MalformedMessageException(Rule.BODY, layout);
    }

    private static byte[] bytes(ByteBuffer body) {
        byte[] b = new byte[body.remaining()];
        body.duplicate().get(b);
        return b;
    }

    /** Holds the random source, created on first use. */
    private static final class Tokens {
        static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    }
}
