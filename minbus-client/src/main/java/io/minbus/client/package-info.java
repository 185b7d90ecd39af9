/**
 * The plugin SDK's API. A connection to the bus is a {@link io.minbus.client.MinBus}; registering a
 * name on it gives a {@link io.minbus.client.Plugin}, which others can connect to; {@link
 * io.minbus.client.MinBus#plugins()} and {@link io.minbus.client.MinBus#watch()} discover plugins;
 * {@link io.minbus.client.MinBus#connect(String)} opens a {@link io.minbus.client.Channel}.
 *
 * <p>Every call blocks and is safe on virtual threads. Failures are unchecked subclasses of {@link
 * io.minbus.client.MinBusException} whose messages say what happened and what to do. No method
 * returns null.
 */
package io.minbus.client;
