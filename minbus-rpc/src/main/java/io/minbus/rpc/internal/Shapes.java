package io.minbus.rpc.internal;

import io.minbus.rpc.Command;
import io.minbus.rpc.OneWay;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Maps typed interfaces to commands (docs/rpc.md §6), once per interface. */
final class Shapes {

    /**
     * The commands of one interface.
     *
     * @param type the interface
     * @param byCommand its methods by command, sorted
     * @param bySignature its methods by name and parameter types (for proxies)
     */
    record InterfaceShape(Class<?> type, Map<String, MethodShape> byCommand, Map<String, MethodShape> bySignature,
            ConcurrentHashMap<Method, Optional<MethodShape>> byMethod) {

        /** The shape of a proxied method; looked up by signature once per {@code Method} (a proxy call is hot). */
        MethodShape of(Method m) {
            return byMethod.computeIfAbsent(m, k -> Optional.ofNullable(bySignature.get(signature(k)))).orElse(null);
        }
    }

    private static final ClassValue<InterfaceShape> CACHE = new ClassValue<>() {
        @Override
        protected InterfaceShape computeValue(Class<?> type) {
            return map(type);
        }
    };

    private Shapes() {}

    /**
     * The shape of an interface.
     *
     * @throws IllegalArgumentException saying what makes the interface unmappable
     */
    static InterfaceShape of(Class<?> type) {
        return CACHE.get(type);
    }

    private static InterfaceShape map(Class<?> type) {
        if (!type.isInterface() || type.isAnnotation()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface; minbus-rpc serves and proxies Java interfaces");
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException("interface " + type.getName() + " must be public to be served or proxied");
        }
        Map<String, MethodShape> byCommand = new TreeMap<>();
        Map<String, MethodShape> bySignature = new HashMap<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault() || bySignature.containsKey(signature(m))) {
                continue;
            }
            MethodShape shape = shape(m);
            MethodShape other = byCommand.putIfAbsent(shape.cmd(), shape);
            if (other != null) {
                throw new IllegalArgumentException(type.getName() + " maps two methods to the command '" + shape.cmd() + "': "
                        + other.describe() + " and " + shape.describe() + "; minbus-rpc maps each method name to one command, so "
                        + "give overloads distinct names with @Command(\"...\")");
            }
            bySignature.put(signature(m), shape);
        }
        return new InterfaceShape(type, Collections.unmodifiableMap(byCommand), Map.copyOf(bySignature), new ConcurrentHashMap<>());
    }

    private static MethodShape shape(Method m) {
        Command named = m.getAnnotation(Command.class);
        String cmd = named != null ? named.value() : m.getName();
        try {
            Commands.checkUserCommand(cmd);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(m.getDeclaringClass().getName() + "." + m.getName() + ": " + e.getMessage(), e);
        }
        Class<?>[] raw = m.getParameterTypes();
        java.lang.reflect.Type[] generic = m.getGenericParameterTypes();
        Slot[] params = new Slot[raw.length];
        for (int i = 0; i < raw.length; i++) {
            params[i] = Slot.parameter(generic.length == raw.length ? generic[i] : raw[i], raw[i]);
        }
        Slot result = Slot.result(m.getGenericReturnType(), m.getReturnType());
        boolean oneWay = m.isAnnotationPresent(OneWay.class);
        // no access check per call where the module system allows (a non-public interface costs one each time)
        m.trySetAccessible();
        MethodShape shape = new MethodShape(m, cmd, oneWay, params, result, raw.length == 1 && raw[0] == byte[].class);
        if (oneWay && result.kind() != Kind.VOID) {
            throw new IllegalArgumentException(shape.describe() + " is @OneWay but returns " + m.getReturnType().getSimpleName() + "; one-way methods must return void");
        }
        if (oneWay && Arrays.stream(params).anyMatch(p -> p.kind() == Kind.INPUT || p.kind() == Kind.OUTPUT)) {
            throw new IllegalArgumentException(shape.describe() + " is @OneWay but takes a stream; nothing would tell the caller when the stream is done, so drop @OneWay");
        }
        return shape;
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.toString(m.getParameterTypes());
    }
}
