/**
 * Programs the harness starts as separate JVMs: the plain-Java NIO limit (echo server, relay,
 * client), the gRPC-java peers and the start-up anchors. Each driver speaks the
 * {@link io.minbus.bench.harness.DriverCommand} protocol through {@link io.minbus.bench.peers.DriverLoop}.
 */
package io.minbus.bench.peers;
