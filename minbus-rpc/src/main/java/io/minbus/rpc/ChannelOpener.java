package io.minbus.rpc;

/**
 * Opens more channels to the same peer, for stream arguments and results (docs/rpc.md §7). The
 * peer hands every channel it receives this way to {@link RpcNode#accept}; minbus-rpc sends the
 * first message itself (a {@code cmd.attach} request), so the opener carries no header.
 *
 * <p>Over minbus, the initiator of a channel can always open more: it connects to the same plugin
 * name again. The target can open channels back only to a named plugin, so it is given an opener
 * only then; when one side has no opener, the other opens every extra channel on its behalf.
 */
@FunctionalInterface
public interface ChannelOpener {

    /**
     * Opens a new channel to the peer, blocking until the peer can receive on it.
     *
     * @throws RpcException (for example {@link ChannelClosedException}) if no channel can be opened
     */
    MessageChannel open();
}
