package io.minbus.rpc.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

/**
 * How one method of a typed interface maps to the wire: its command, whether it is one-way, and
 * how each parameter and the result travel.
 *
 * @param method the interface method
 * @param cmd the command
 * @param oneWay whether calls are one-way messages
 * @param params the parameters
 * @param result the result
 * @param rawArgs whether the only parameter is a {@code byte[]} that is the body itself
 */
record MethodShape(Method method, String cmd, boolean oneWay, Slot[] params, Slot result, boolean rawArgs) {

    /** The types the codec sees for the arguments. */
    Type[] wireTypes() {
        Type[] t = new Type[params.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = params[i].wireType();
        }
        return t;
    }

    /** For messages: {@code KeyValue.put(String, byte[])}. */
    String describe() {
        StringBuilder s = new StringBuilder(method.getDeclaringClass().getSimpleName()).append('.').append(method.getName()).append('(');
        for (int i = 0; i < params.length; i++) {
            s.append(i == 0 ? "" : ", ").append(params[i].raw().getSimpleName());
        }
        return s.append(')').toString();
    }
}
