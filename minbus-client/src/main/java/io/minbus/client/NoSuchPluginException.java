package io.minbus.client;

import io.minbus.protocol.Reason;
import java.io.Serial;

/** No plugin of that name is registered on the bus ({@code 01 01}, docs/minbus.md §8.2). */
public final class NoSuchPluginException extends ConnectionRefusedException {
    @Serial private static final long serialVersionUID = 1L;

    public NoSuchPluginException(String target, String message) {
        super(target, Reason.NO_SUCH_PLUGIN, message);
    }
}
