/**
 * Implementation of the transports; not exported. Nothing here is API.
 */
package io.minbus.transport.internal;
