package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

/**
 * One message of docs/rpc.md §2: a thread id, a direction, a command and a body. Its {@link
 * #toString()} is the one-line frame log, e.g. {@code request#7 put "[\"k\",1]"}.
 *
 * @param thread the THREAD field (0 for one-way messages)
 * @param direction the DIRECTION field
 * @param cmd the CMD field
 * @param body the rest of the message (read-only)
 */
public record Frame(long thread, Direction direction, String cmd, ByteBuffer body) {

    /** The longest body {@link #toString()} shows in full. */
    static final int LOGGED_BODY_BYTES = 64;

    /** A request. */
    public static Frame request(long thread, String cmd, byte[] body) {
        return new Frame(thread, Direction.REQUEST, cmd, ByteBuffer.wrap(body));
    }

    /** A response. */
    public static Frame response(long thread, String cmd, byte[] body) {
        return new Frame(thread, Direction.RESPONSE, cmd, ByteBuffer.wrap(body));
    }

    /** A one-way message. */
    public static Frame oneway(String cmd, byte[] body) {
        return new Frame(0, Direction.ONEWAY, cmd, ByteBuffer.wrap(body));
    }

    /** A one-way message with a text body. */
    public static Frame oneway(String cmd, String body) {
        return oneway(cmd, body.getBytes(UTF_8));
    }

    /** A copy of the body. */
    public byte[] bodyBytes() {
        byte[] b = new byte[body.remaining()];
        body.duplicate().get(b);
        return b;
    }

    /** The body as UTF-8 text (malformed sequences replaced). */
    public String bodyText() {
        return new String(bodyBytes(), UTF_8);
    }

    /** Whether this is a one-way message with this command. */
    public boolean isOneway(String command) {
        return direction == Direction.ONEWAY && cmd.equals(command);
    }

    @Override
    public String toString() {
        return log(LOGGED_BODY_BYTES);
    }

    /** The frame-log form showing at most {@code maxBody} bytes of the body. */
    public String log(int maxBody) {
        StringBuilder s = new StringBuilder(direction.logName()).append('#').append(thread).append(' ').append(cmd).append(' ');
        ByteBuffer b = body.duplicate();
        int shown = Math.min(b.remaining(), maxBody);
        s.append('"');
        for (int i = 0; i < shown; i++) {
            int c = b.get(b.position() + i) & 0xff;
            if (c == '"' || c == '\\') {
                s.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        s.append('"');
        if (b.remaining() > shown) {
            s.append("...+").append(b.remaining() - shown).append(" bytes");
        }
        return s.toString();
    }
}
