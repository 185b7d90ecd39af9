package io.minbus.client;

/**
 * Another plugin wants a channel to us (docs/minbus.md §8.4): {@link #accept()} or {@link #deny()}
 * it. It waits as long as it takes; the initiator may give up meanwhile, which {@link #accept()}
 * then reports.
 */
public interface IncomingConnection {

    /** The initiator's name; empty for a nameless client. */
    String name();

    /** The version the initiator registered (a nameless client's is usually 0). */
    int version();

    /** True if the initiator is a nameless client. */
    default boolean isNameless() {
        return name().isEmpty();
    }

    /**
     * Accepts: the channel is established for both sides.
     *
     * @throws ChannelClosedException if the initiator gave up before (it closed or cancelled)
     * @throws ChannelBrokenException if the initiator went away before
     * @throws IllegalStateException if accepted or denied before
     * @throws BusGoneException if the connection is lost
     */
    /**
     * The key the initiator proved with the secret handshake (docs/minbus.md §18.5): present for
     * peers and for plugins that connected over {@code net:HOST:PORT~shs:KEY}; empty for local
     * connections and from buses older than this field.
     */
    default java.util.Optional<io.minbus.identity.Identity> initiatorKey() {
        return java.util.Optional.empty();
    }

    Channel accept();

    /**
     * Denies: the initiator gets {@link ConnectionRefusedException} with {@link
     * io.minbus.protocol.Reason#REFUSED}. A no-op if the initiator already gave up or the bus is gone.
     *
     * @throws IllegalStateException if accepted before
     */
    void deny();
}
