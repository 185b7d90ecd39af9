package io.minbus.client;

import io.minbus.protocol.Reason;
import java.io.Serial;
import java.util.Optional;

/**
 * A channel broke: the other plugin went away ({@code 01}, docs/minbus.md §10), the bus is shutting
 * down ({@code 01 0b}), a message was larger than the other side accepts ({@code 01 09}), or a
 * {@link Channel#ping} went unanswered. Messages received before are still delivered first. The
 * channel cannot be used any more; the bus connection itself is fine (when it is not, {@link
 * BusGoneException} is thrown instead).
 */
public final class ChannelBrokenException extends MinBusException {
    @Serial private static final long serialVersionUID = 1L;

    private final transient Reason reason;

    public ChannelBrokenException(String message, Reason reason, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The bus's reason, when the bus broke the channel; empty after an unanswered ping. */
    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }
}
