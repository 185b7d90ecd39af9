package io.minbus.rpc.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;

/**
 * One parameter or the result of a typed method.
 *
 * @param kind how it travels
 * @param type its declared (generic) type
 * @param raw its erased class
 */
record Slot(Kind kind, Type type, Class<?> raw) {

    static Slot parameter(Type type, Class<?> raw) {
        return new Slot(kindOf(raw, false), type, raw);
    }

    static Slot result(Type type, Class<?> raw) {
        return new Slot(kindOf(raw, true), type, raw);
    }

    /** The type the codec sees: refs travel as {@code long}. */
    Type wireType() {
        return kind.isRef() ? long.class : type;
    }

    private static Kind kindOf(Class<?> raw, boolean result) {
        if (result && raw == void.class) {
            return Kind.VOID;
        }
        if (result && raw == byte[].class) {
            return Kind.RAW;
        }
        if (raw == InputStream.class) {
            return Kind.INPUT;
        }
        if (raw == OutputStream.class) {
            return Kind.OUTPUT;
        }
        if (raw.isInterface() && !raw.isAnnotation() && !raw.getName().startsWith("java.") && !raw.getName().startsWith("javax.")) {
            return Kind.OBJECT;
        }
        return Kind.VALUE;
    }
}
