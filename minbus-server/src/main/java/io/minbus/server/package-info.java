/**
 * The Min-Bus server's public API. For now: {@link io.minbus.server.ServerLimits}, every limit the
 * server enforces with its documented default (docs/minbus.md §13). The server itself follows once
 * the session layer ({@code minbus-mux}) is usable.
 */
package io.minbus.server;
