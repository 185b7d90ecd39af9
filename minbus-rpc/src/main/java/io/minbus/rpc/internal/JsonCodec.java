package io.minbus.rpc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.minbus.rpc.Codec;
import io.minbus.rpc.CodecException;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The default codec: arguments as a JSON array, a result or a configuration as one JSON value. */
public final class JsonCodec implements Codec {

    /** The codec with Jackson's default mapper. */
    public static final JsonCodec DEFAULT = new JsonCodec(JsonMapper.builder().build());

    private static final int PREVIEW_BYTES = 80;

    private final JsonMapper mapper;

    /** A codec over the caller's mapper. */
    public JsonCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The mapper (also used for {@code GetMetadata}). */
    public JsonMapper mapper() {
        return mapper;
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public byte[] encode(Type type, Object value) {
        try {
            return mapper.writerFor(mapper.constructType(type)).writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new CodecException("cannot encode a " + type.getTypeName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Object decode(Type type, byte[] bytes) {
        try {
            return mapper.readerFor(mapper.constructType(type)).readValue(bytes);
        } catch (JacksonException e) {
            throw new CodecException("cannot decode a " + type.getTypeName() + " from the JSON " + preview(bytes) + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public byte[] encodeArguments(Type[] types, Object[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        for (int i = 0; i < types.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(encode(types[i], values[i]));
        }
        out.write(']');
        return out.toByteArray();
    }

    @Override
    public Object[] decodeArguments(Type[] types, byte[] bytes) {
        JsonNode array;
        try {
            array = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new CodecException("the arguments are not JSON: " + preview(bytes) + ": " + e.getOriginalMessage(), e);
        }
        if (array == null || !array.isArray()) {
            throw new CodecException("the arguments must be a JSON array, got " + preview(bytes));
        }
        if (array.size() != types.length) {
            throw new CodecException("expected " + types.length + " arguments, got " + array.size() + ": " + preview(bytes));
        }
        Object[] values = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            try {
                values[i] = mapper.treeToValue(array.get(i), mapper.constructType(types[i]));
            } catch (JacksonException e) {
                throw new CodecException("argument " + (i + 1) + " is not a " + types[i].getTypeName() + ": " + e.getOriginalMessage(), e);
            }
        }
        return values;
    }

    private static String preview(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, PREVIEW_BYTES), UTF_8);
        return "'" + s + (bytes.length > PREVIEW_BYTES ? "...' (" + bytes.length + " bytes)" : "'");
    }

    @Override
    public String toString() {
        return "json";
    }
}
