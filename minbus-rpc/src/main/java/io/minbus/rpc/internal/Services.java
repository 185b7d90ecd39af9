package io.minbus.rpc.internal;

import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.RpcHandler;
import io.minbus.rpc.RpcMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The commands one endpoint serves: typed services first, then untyped handlers, then the fallback. */
final class Services {

    private record Target(MethodShape shape, Object implementation) {}

    private final Map<String, Target> typed = new HashMap<>();
    private final Map<String, RpcHandler> commands;
    private final RpcHandler fallback;

    Services(RpcConfig config) {
        for (RpcConfig.Service<?> s : config.services()) {
            Shapes.of(s.type()).byCommand().forEach((cmd, shape) -> typed.put(cmd, new Target(shape, s.implementation())));
        }
        this.commands = config.commands();
        this.fallback = config.fallback();
    }

    /** The commands served by name (the fallback may serve more). */
    Set<String> commands() {
        TreeSet<String> all = new TreeSet<>(typed.keySet());
        all.addAll(commands.keySet());
        return all;
    }

    /** Runs a command; null if only the default fallback would (the command is unknown). */
    byte[] handle(Endpoint ep, Frame f, boolean oneway) throws Throwable {
        Target t = typed.get(f.cmd());
        if (t != null) {
            return Invoker.invoke(ep, t.shape(), t.implementation(), f);
        }
        RpcHandler handler = commands.getOrDefault(f.cmd(), fallback);
        if (handler == Commands.UNKNOWN) {
            return null;
        }
        byte[] result = handler.handle(new RpcMessage(f.cmd(), f.bodyBytes(), oneway, ep));
        return result == null ? Endpoint.EMPTY : result;
    }
}
