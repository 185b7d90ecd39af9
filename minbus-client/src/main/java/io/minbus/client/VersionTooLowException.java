package io.minbus.client;

import io.minbus.protocol.Reason;
import java.io.Serial;

/**
 * The target is registered, but with a version below the minimum asked for ({@code 01 02 vv vv},
 * docs/minbus.md §8.2). {@link #targetVersion()} is the version it has.
 */
public final class VersionTooLowException extends ConnectionRefusedException {
    @Serial private static final long serialVersionUID = 1L;

    private final int targetVersion;
    private final int minVersion;

    public VersionTooLowException(String target, int targetVersion, int minVersion, String message) {
        super(target, Reason.VERSION_TOO_LOW, message);
        this.targetVersion = targetVersion;
        this.minVersion = minVersion;
    }

    /** The version the target registered. */
    public int targetVersion() {
        return targetVersion;
    }

    /** The minimum version that was asked for. */
    public int minVersion() {
        return minVersion;
    }
}
