package io.minbus.testkit;

import io.minbus.client.MinBus;
import io.minbus.client.Plugin;
import java.lang.reflect.Parameter;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link MinBusTest}: resolves {@link InMemoryBus}, {@link MinBus},
 * {@link Plugin} and {@link ScriptedPeer} parameters. The bus is made on first use per test method
 * (or per class, for {@code @BeforeAll}/{@code @AfterAll} methods), shared by every parameter of
 * that scope, and closed with all its connections when the scope ends.
 */
public final class MinBusExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MinBusExtension.class);

    /** Used by JUnit. */
    public MinBusExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> type = pc.getParameter().getType();
        if (type == Plugin.class) {
            if (!pc.isAnnotated(Registered.class)) {
                throw new ParameterResolutionException("a Plugin parameter needs @Registered(\"name\") to say which"
                        + " name to register: " + pc.getParameter());
            }
            return true;
        }
        return type == InMemoryBus.class || type == MinBus.class || type == ScriptedPeer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        InMemoryBus bus = bus(ec);
        Parameter p = pc.getParameter();
        Optional<Registered> reg = pc.findAnnotation(Registered.class);
        Class<?> type = p.getType();
        if (type == InMemoryBus.class) {
            return bus;
        }
        if (type == ScriptedPeer.class) {
            return bus.scriptedPeer();
        }
        if (reg.isPresent()) {
            Plugin plugin = bus.register(reg.get().value(), reg.get().version());
            return type == Plugin.class ? plugin : plugin.bus();
        }
        return bus.client();
    }

    /** The bus of this test (or class, in class-level lifecycle methods), made on first use. */
    private static InMemoryBus bus(ExtensionContext ec) {
        return ec.getStore(NS).computeIfAbsent(InMemoryBus.class, k -> InMemoryBus.start(), InMemoryBus.class);
    }
}
