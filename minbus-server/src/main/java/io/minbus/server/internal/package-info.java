/**
 * The server's implementation, not exported: the {@link io.minbus.server.internal.Registry} of
 * names, watchers and processes, and the per-direction relay accounting {@link
 * io.minbus.server.internal.RelayCredit}. Normative spec: {@code docs/minbus.md}.
 */
package io.minbus.server.internal;
