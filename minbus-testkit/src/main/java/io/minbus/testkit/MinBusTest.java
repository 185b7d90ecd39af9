package io.minbus.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class with {@link MinBusExtension}: each test method (and each lifecycle method) may
 * declare parameters of type {@link InMemoryBus} (a fresh bus per test), {@link io.minbus.client.MinBus}
 * (a new connection, nameless unless {@link Registered}), {@link io.minbus.client.Plugin} (with
 * {@link Registered}) and {@link ScriptedPeer}; everything is closed after the test.
 *
 * <pre>{@code
 * @MinBusTest
 * class EchoTest {
 *     @Test
 *     void echoes(@Registered("echo") Plugin echo, MinBus client) {
 *         echo.onConnect(ch -> ch.send(ch.receive()));
 *         try (Channel ch = client.connect("echo")) { ... }
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(MinBusExtension.class)
public @interface MinBusTest {
}
