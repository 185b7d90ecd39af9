package io.minbus.rpc.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * The dynamic proxy of a typed interface: the peer's top-level service (ref 0, commands are
 * method names) or one of its callback objects (commands {@code method@ref}).
 */
final class ProxyHandler implements InvocationHandler {

    private final Endpoint ep;
    private final Shapes.InterfaceShape shape;
    private final long ref;

    private ProxyHandler(Endpoint ep, Shapes.InterfaceShape shape, long ref) {
        this.ep = ep;
        this.shape = shape;
        this.ref = ref;
    }

    /** A proxy for {@code type}; for a callback ref it releases the ref once garbage-collected. */
    static <T> T proxy(Endpoint ep, Class<T> type, long ref) {
        ProxyHandler h = new ProxyHandler(ep, Shapes.of(type), ref);
        T proxy = type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
        if (ref != 0) {
            Timers.CLEANER.register(proxy, () -> ep.releaseRef(ref));
        }
        return proxy;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "minbus-rpc proxy of " + shape.type().getName() + (ref == 0 ? "" : " @" + ref) + " on " + ep.name();
            };
        }
        if (m.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, m, args);
        }
        MethodShape s = shape.of(m);
        String cmd = ref == 0 ? s.cmd() : s.cmd() + "@" + ref;
        List<StreamExport> perCall = new ArrayList<>();
        byte[] body;
        try {
            body = Marshal.encodeArguments(ep, s, args, perCall);
        } catch (RuntimeException e) {
            perCall.forEach(StreamExport::callDone);
            throw e;
        }
        if (s.oneWay()) {
            ep.notify(cmd, body);
            return null;
        }
        Call call = ep.calls().start(cmd, body, ep.config().callTimeout(), perCall.isEmpty());
        call.whenComplete((result, failure) -> perCall.forEach(StreamExport::callDone));
        return Marshal.decodeResult(ep, s, ep.calls().await(call));
    }
}
