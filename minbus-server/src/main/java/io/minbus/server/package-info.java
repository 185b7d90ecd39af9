/**
 * The Min-Bus server's public API: {@link io.minbus.server.MinBusServer} (build, start, connect in
 * process, statistics, close), its {@link io.minbus.server.ServerLimits} (docs/minbus.md §13), its
 * {@link io.minbus.server.ServerStats}, and the {@link io.minbus.server.ProcessResolver} hook for
 * {@code max_names_per_process} (§14).
 */
package io.minbus.server;
