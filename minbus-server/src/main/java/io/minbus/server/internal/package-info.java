/**
 * The server's implementation, not exported (normative spec: {@code docs/minbus.md}).
 *
 * <ul>
 *   <li>Threads and I/O: {@link io.minbus.server.internal.ServerCore} starts the selector
 *       {@link io.minbus.server.internal.Loop}s; an {@link io.minbus.server.internal.Acceptor} per
 *       listening socket hands connections out round-robin; each connection
 *       ({@code Conn}, over an {@code Io}: a socket or, in process, two pipes) is owned by one loop
 *       and touched only there. Other threads reach it through its loop's mailbox.
 *   <li>Min-Bus: {@code Plugin} (registration, queries, unexpected entities), {@code WatchStream}
 *       (connection streams), {@code Connector} (the checks of §8.2), {@code Relay} and
 *       {@code RelaySide} (relays, one side per loop, talking by message passing), with the
 *       per-direction accounting {@link io.minbus.server.internal.RelayCredit}.
 *   <li>Shared state: {@link io.minbus.server.internal.Bus} (limits, the
 *       {@link io.minbus.server.internal.Registry}, existing relays, relay memory,
 *       {@link io.minbus.server.internal.Counters}).
 * </ul>
 */
package io.minbus.server.internal;
