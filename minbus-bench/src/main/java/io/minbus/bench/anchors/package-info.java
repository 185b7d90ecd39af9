/**
 * The anchors minbus is compared with: the limit (minimal C and plain-Java relays), D-Bus
 * (dbus-broker, and dbus-daemon for reference), gRPC-java, and bare process start.
 */
package io.minbus.bench.anchors;
