package io.minbus.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the command of a typed interface method, instead of the method name. Overloaded methods
 * need it: minbus-rpc maps each method to one command and rejects two methods with one command.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Command {
    /** The command, e.g. {@code "putAll"}; see docs/rpc.md §2 for the allowed text. */
    String value();
}
