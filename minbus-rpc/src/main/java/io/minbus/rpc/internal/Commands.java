package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.minbus.rpc.RpcHandler;
import io.minbus.rpc.UnknownCommandException;
import java.util.Set;

/** The command names of docs/rpc.md §2 and §3: built-ins, reserved names and their checks. */
public final class Commands {

    /** Built-in: echo the body. */
    public static final String PING = "cmd.ping";
    /** Built-in: answer, then run the stop action. */
    public static final String STOP = "cmd.stop";
    /** Built-in: the plugin's metadata as JSON (the seed's name, kept as is). */
    public static final String METADATA = "GetMetadata";
    /** The command of an error response, and of a one-way error report. */
    public static final String ERROR = "cmd.error";
    /** First message of a channel: open a session with an instance. */
    public static final String OPEN = "cmd.open";
    /** First message of a channel: attach it to a stream of an existing session. */
    public static final String ATTACH = "cmd.attach";
    /** Ask the peer to open the channel of one of its stream refs. */
    public static final String DIAL = "cmd.dial";
    /** One-way: stop handling a request. */
    public static final String CANCEL = "cmd.cancel";
    /** One-way: the sender holds no proxy for a ref any more. */
    public static final String RELEASE = "cmd.release";
    /** One-way on a stream channel: bytes of the stream. */
    public static final String DATA = "cmd.data";
    /** One-way on a stream channel: the end of the stream, or its acknowledgement. */
    public static final String END = "cmd.end";

    /** The metadata keys minbus-rpc fills in. */
    public static final Set<String> METADATA_KEYS = Set.of("instance", "codec", "commands");

    /** The default fallback: every command is unknown. */
    public static final RpcHandler UNKNOWN = m -> {
        throw new UnknownCommandException(m.cmd(), "see GetMetadata");
    };

    private Commands() {}

    /** The commands a typed interface maps to. */
    public static Set<String> of(Class<?> type) {
        return Shapes.of(type).byCommand().keySet();
    }

    /**
     * Checks a command an application may serve: 1 to 1024 bytes of UTF-8 without control
     * characters or '@', not starting with {@code cmd.}, and not {@code GetMetadata}.
     */
    public static void checkUserCommand(String cmd) {
        int bytes = cmd.getBytes(UTF_8).length;
        if (bytes == 0 || bytes > FrameCodec.MAX_CMD_BYTES) {
            throw new IllegalArgumentException("command '" + cmd + "' has " + bytes + " bytes; a command has 1 to " + FrameCodec.MAX_CMD_BYTES);
        }
        if (cmd.startsWith("cmd.") || cmd.equals(METADATA)) {
            throw new IllegalArgumentException("command '" + cmd + "' is reserved: names starting with 'cmd.' and GetMetadata belong to minbus-rpc (docs/rpc.md §3)");
        }
        for (int i = 0; i < cmd.length(); i++) {
            char c = cmd.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '@') {
                throw new IllegalArgumentException("command '" + cmd + "' contains " + (c == '@' ? "'@', which addresses callback objects" : "a control character") + " (docs/rpc.md §2)");
            }
        }
    }

    /** Checks a codec name: 1 to 64 ASCII letters, digits, '-', '.', '_'. */
    public static void checkCodecName(String name) {
        if (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_'))) {
            throw new IllegalArgumentException("codec name '" + name + "' must be 1 to 64 ASCII letters, digits, '-', '.' or '_'");
        }
    }
}
