package io.minbus.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link io.minbus.client.Plugin} or {@link io.minbus.client.MinBus} parameter of a {@link
 * MinBusTest} method: a new connection to the test's bus with this name registered.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Registered {
    /** The name to register. */
    String value();

    /** The version to register; default 1. */
    int version() default 1;
}
