package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.minbus.rpc.MalformedMessageException;
import io.minbus.rpc.MalformedMessageException.Rule;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Encodes and decodes the messages of docs/rpc.md §2. Pure: no I/O, threads or clocks.
 *
 * <pre>
 *   THREAD 0x00 DIRECTION 0x00 CMDLEN 0x00 CMD BODY
 *   THREAD    canonical ASCII decimal, 0..9223372036854775807 (1..19 digits, no leading zero)
 *   DIRECTION one ASCII digit: 0 request, 1 response, 2 oneway
 *   CMDLEN    canonical ASCII decimal, 1..1024: the byte length of CMD
 *   CMD       UTF-8 text without control characters
 *   BODY      every byte up to the end of the message
 * </pre>
 */
public final class FrameCodec {

    /** The longest command in bytes (docs/rpc.md §2). */
    public static final int MAX_CMD_BYTES = 1024;
    /** The most digits of THREAD. */
    static final int MAX_THREAD_DIGITS = 19;
    /** The most digits of CMDLEN. */
    static final int MAX_CMDLEN_DIGITS = 4;

    private FrameCodec() {}

    /** Encodes a frame into a new buffer, ready to send. */
    public static ByteBuffer encode(Frame f) {
        return encode(f.thread(), f.direction(), f.cmd(), f.body().duplicate());
    }

    /** Encodes a frame whose body is {@code len} bytes of {@code body} from {@code off}. */
    public static ByteBuffer encode(long thread, Direction direction, String cmd, byte[] body, int off, int len) {
        return encode(thread, direction, cmd, ByteBuffer.wrap(body, off, len));
    }

    private static ByteBuffer encode(long thread, Direction direction, String cmd, ByteBuffer body) {
        int cmdBytes = asciiLength(cmd);
        byte[] c = cmdBytes < 0 ? cmd.getBytes(UTF_8) : null;
        int cmdLen = c == null ? cmdBytes : c.length;
        ByteBuffer out = ByteBuffer.allocate(digits(thread) + digits(cmdLen) + cmdLen + 5 + body.remaining());
        putDecimal(out, thread);
        out.put((byte) 0).put(direction.digit()).put((byte) 0);
        putDecimal(out, cmdLen);
        out.put((byte) 0);
        if (c == null) {
            for (int i = 0; i < cmdLen; i++) {
                out.put((byte) cmd.charAt(i));
            }
        } else {
            out.put(c);
        }
        return out.put(body).flip();
    }

    /** The length of {@code s} if every character is ASCII (then it is also its UTF-8 length), else -1. */
    private static int asciiLength(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return -1;
            }
        }
        return s.length();
    }

    /** The number of decimal digits of {@code v} (0 ≤ v). */
    static int digits(long v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** Writes {@code v} (0 ≤ v) as canonical ASCII decimal. */
    static void putDecimal(ByteBuffer out, long v) {
        int end = out.position() + digits(v);
        for (int i = end - 1; i >= out.position(); i--) {
            out.put(i, (byte) ('0' + v % 10));
            v /= 10;
        }
        out.position(end);
    }

    /**
     * Decodes one message; the body of the result is a read-only view of {@code message}.
     *
     * @throws MalformedMessageException naming the first rule the message breaks
     */
    public static Frame decode(ByteBuffer message) {
        ByteBuffer b = message.duplicate();
        int base = b.position();
        long thread = decimal(b, base, MAX_THREAD_DIGITS, Rule.THREAD_ID, "THREAD");
        Direction direction = direction(b, base);
        long cmdLen = decimal(b, base, MAX_CMDLEN_DIGITS, Rule.CMD_LENGTH, "CMDLEN");
        if (cmdLen == 0 || cmdLen > MAX_CMD_BYTES) {
            throw new MalformedMessageException(Rule.CMD_LENGTH, "CMDLEN is " + cmdLen + "; a command has 1 to " + MAX_CMD_BYTES + " bytes");
        }
        if (b.remaining() < cmdLen) {
            throw new MalformedMessageException(Rule.TRUNCATED, "CMDLEN says " + cmdLen + " bytes but only " + b.remaining() + " follow");
        }
        ByteBuffer cmdBytes = b.slice(b.position(), (int) cmdLen);
        b.position(b.position() + (int) cmdLen);
        String cmd = text(cmdBytes);
        boolean oneway = direction == Direction.ONEWAY;
        if (oneway != (thread == 0)) {
            throw new MalformedMessageException(Rule.THREAD_FOR_DIRECTION, oneway
                    ? "a oneway message must have thread 0, got " + thread
                    : "a " + direction.logName() + " must have a thread of 1 or more, got 0");
        }
        return new Frame(thread, direction, cmd, b.slice().asReadOnlyBuffer());
    }

    /**
     * The thread of a message that at least starts like a valid request, so that even a request
     * with a malformed command can be answered with {@code cmd.error}.
     */
    public static OptionalLong requestThread(ByteBuffer message) {
        try {
            ByteBuffer b = message.duplicate();
            long thread = decimal(b, b.position(), MAX_THREAD_DIGITS, Rule.THREAD_ID, "THREAD");
            return thread > 0 && direction(b, message.position()) == Direction.REQUEST ? OptionalLong.of(thread) : OptionalLong.empty();
        } catch (MalformedMessageException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Whether a message looks like a response (DIRECTION {@code 1} after the first 0x00), without
     * decoding it: a cheap test before {@link #decode}, which still checks every rule.
     */
    public static boolean looksLikeResponse(ByteBuffer message) {
        int p = message.position();
        int limit = Math.min(message.limit(), p + MAX_THREAD_DIGITS + 1);
        for (int i = p; i < limit; i++) {
            if (message.get(i) == 0) {
                return i + 2 < message.limit() && message.get(i + 1) == '1' && message.get(i + 2) == 0;
            }
        }
        return false;
    }

    /** Parses a canonical ASCII decimal (docs/rpc.md §2) from a whole body, e.g. of {@code cmd.cancel}. */
    public static long decimalBody(ByteBuffer body, String what) {
        ByteBuffer b = body.duplicate();
        int n = b.remaining();
        if (n == 0 || n > MAX_THREAD_DIGITS || (n > 1 && b.get(b.position()) == '0')) {
            throw new MalformedMessageException(Rule.BODY, what + " must be canonical ASCII decimal, got " + n + " bytes");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            int c = b.get() & 0xff;
            if (c < '0' || c > '9') {
                throw new MalformedMessageException(Rule.BODY, what + " must be ASCII digits, found byte " + hex(c));
            }
            try {
                v = Math.addExact(Math.multiplyExact(v, 10), c - '0');
            } catch (ArithmeticException e) {
                throw new MalformedMessageException(Rule.BODY, what + " exceeds 9223372036854775807");
            }
        }
        return v;
    }

    private static long decimal(ByteBuffer b, int base, int maxDigits, Rule rule, String field) {
        int start = b.position();
        long v = 0;
        int digits = 0;
        while (true) {
            if (!b.hasRemaining()) {
                throw new MalformedMessageException(Rule.TRUNCATED, "the message ends inside " + field + " (no 0x00 after it)");
            }
            int c = b.get() & 0xff;
            if (c == 0) {
                break;
            }
            if (c < '0' || c > '9') {
                throw new MalformedMessageException(rule, field + " has byte " + hex(c) + " at offset " + (b.position() - 1 - base) + "; only ASCII digits are allowed");
            }
            if (++digits > maxDigits) {
                throw new MalformedMessageException(rule, field + " has more than " + maxDigits + " digits");
            }
            try {
                v = Math.addExact(Math.multiplyExact(v, 10), c - '0');
            } catch (ArithmeticException e) {
                throw new MalformedMessageException(rule, field + " exceeds 9223372036854775807");
            }
        }
        if (digits == 0) {
            throw new MalformedMessageException(rule, field + " is empty");
        }
        if (digits > 1 && b.get(start) == '0') {
            throw new MalformedMessageException(rule, field + " has a leading zero; numbers are canonical");
        }
        return v;
    }

    private static Direction direction(ByteBuffer b, int base) {
        if (b.remaining() < 2) {
            throw new MalformedMessageException(Rule.TRUNCATED, "the message ends inside DIRECTION (no 0x00 after it)");
        }
        int offset = b.position() - base;
        byte d = b.get();
        Direction direction = Direction.ofDigit(d);
        if (direction == null || b.get() != 0) {
            throw new MalformedMessageException(Rule.DIRECTION, "DIRECTION at offset " + offset + " must be one digit 0, 1 or 2 followed by 0x00, found byte " + hex(d & 0xff) + (direction == null ? "" : " then no 0x00"));
        }
        return direction;
    }

    private static String text(ByteBuffer cmdBytes) {
        int n = cmdBytes.remaining();
        byte[] ascii = new byte[n];
        boolean printable = true;
        for (int i = 0; i < n && printable; i++) {
            byte b = cmdBytes.get(cmdBytes.position() + i);
            printable = b >= 0x20 && b < 0x7f;
            ascii[i] = b;
        }
        if (printable) {
            return new String(ascii, StandardCharsets.US_ASCII); // most commands; the checks below hold
        }
        String cmd;
        try {
            cmd = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(cmdBytes).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException(Rule.CMD_TEXT, "CMD is not valid UTF-8");
        }
        for (int i = 0; i < cmd.length(); i++) {
            char c = cmd.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new MalformedMessageException(Rule.CMD_TEXT, "CMD contains the control character " + hex(c) + " at character " + i);
            }
        }
        return cmd;
    }

    private static String hex(int c) {
        return String.format("0x%02x", c);
    }
}
