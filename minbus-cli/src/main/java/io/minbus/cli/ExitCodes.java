package io.minbus.cli;

import io.minbus.client.BusGoneException;
import io.minbus.client.BusUnreachableException;
import io.minbus.client.ChannelBrokenException;
import io.minbus.client.ConnectionRefusedException;
import io.minbus.client.NoSuchPluginException;
import io.minbus.client.RegistrationRefusedException;

/** The exit codes scripts rely on (listed in {@link Main}'s exitCodeList for --help, and in the README). */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int BUS_UNREACHABLE = 3;
    static final int NO_SUCH_PLUGIN = 4;
    static final int REFUSED = 5;
    static final int CHANNEL_BROKEN = 6;

    private ExitCodes() {}

    /** The exit code for a failure. */
    static int of(Throwable e) {
        if (e instanceof BusUnreachableException || e instanceof BusGoneException) {
            return BUS_UNREACHABLE;
        }
        if (e instanceof NoSuchPluginException) {
            return NO_SUCH_PLUGIN;
        }
        if (e instanceof ConnectionRefusedException || e instanceof RegistrationRefusedException) {
            return REFUSED;
        }
        if (e instanceof ChannelBrokenException) {
            return CHANNEL_BROKEN;
        }
        if (e instanceof UsageException) {
            return USAGE;
        }
        return FAILURE;
    }

    /** A usage problem found while running (e.g. MINBUS_ADDRESS is not an address): exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
