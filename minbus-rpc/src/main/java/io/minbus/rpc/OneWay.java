package io.minbus.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code void} method of a typed interface as a notification: the proxy sends a one-way
 * message (Notify) and returns at once, without waiting for the peer or learning of its failures.
 * One-way messages from one endpoint are handled in the order they were sent, one at a time
 * (docs/rpc.md §5). A one-way method may not have stream parameters.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OneWay {}
