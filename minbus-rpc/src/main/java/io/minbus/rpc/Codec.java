package io.minbus.rpc;

import io.minbus.rpc.internal.JsonCodec;
import java.lang.reflect.Type;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the arguments and results of typed interface methods, and instance configurations, into
 * bytes and back. Both sides of a channel use the same codec, named when the channel is opened
 * (docs/rpc.md §4); JSON is the default. Stream, callback and raw {@code byte[]} values never reach
 * a codec: minbus-rpc passes references to streams and callbacks as {@code long} values, and a
 * lone {@code byte[]} parameter or result travels untouched.
 *
 * <p>Values may be {@code null} (a Java method may pass or return null). Implementations must be
 * thread-safe, and should throw {@link CodecException} with a message naming what failed.
 */
public interface Codec {

    /** The name sent in {@code cmd.open}, e.g. {@code "json"}: ASCII letters, digits, '-', '.', '_'. */
    String name();

    /** Encodes one value of the given declared type (a result or a configuration). */
    byte[] encode(Type type, Object value);

    /** Decodes one value of the given declared type. */
    Object decode(Type type, byte[] bytes);

    /** Encodes the arguments of one call; {@code types} and {@code values} have the same length. */
    byte[] encodeArguments(Type[] types, Object[] values);

    /**
     * Decodes the arguments of one call; the result has exactly {@code types.length} elements.
     *
     * @throws CodecException if the bytes hold another number of arguments
     */
    Object[] decodeArguments(Type[] types, byte[] bytes);

    /**
     * The default codec: JSON through Jackson. Arguments are a JSON array, a result or a
     * configuration is a JSON value, e.g. {@code ["key", 42]} and {@code "value"}.
     */
    static Codec json() {
        return JsonCodec.DEFAULT;
    }

    /** The JSON codec with the caller's Jackson mapper (modules, naming strategies and so on). */
    static Codec json(JsonMapper mapper) {
        return new JsonCodec(mapper);
    }
}
