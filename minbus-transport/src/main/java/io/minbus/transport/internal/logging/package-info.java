/**
 * minbus's loggers ({@link io.minbus.transport.internal.logging.LazyLogger}), shared by every minbus
 * module. Not API: exported because the other minbus modules must reach it from the module path and
 * the class path alike; it may change in any release.
 */
package io.minbus.transport.internal.logging;
