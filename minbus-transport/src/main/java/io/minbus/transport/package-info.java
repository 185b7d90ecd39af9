/**
 * The public transport API: {@link io.minbus.transport.Transport} (a reliable, ordered,
 * bidirectional byte stream), {@link io.minbus.transport.TransportListener}, {@link
 * io.minbus.transport.BusAddress} and the {@link io.minbus.transport.Transports} factory.
 *
 * <p>Failures are reported with the unchecked {@link io.minbus.transport.TransportException}; no
 * method returns or accepts {@code null}.
 */
package io.minbus.transport;
