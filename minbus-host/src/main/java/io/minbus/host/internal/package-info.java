/** Implementation of {@code io.minbus.host}; not exported. */
package io.minbus.host.internal;
