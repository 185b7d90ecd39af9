package io.minbus.server.internal;

import java.util.OptionalLong;

/**
 * The keys names are counted against for {@code max_names_per_process} (docs/minbus.md §14): a peer
 * process id when one is known ({@code pid:1234}), else the peer's user on a Unix socket
 * ({@code user:alice}). Connections with neither count per connection, which never binds (a
 * connection holds at most one name), so they get no key.
 */
public final class ProcessKeys {
    private static final String PID = "pid:";
    private static final String USER = "user:";

    private ProcessKeys() {
    }

    /** The key of the process {@code pid}. */
    public static String pid(long pid) {
        return PID + pid;
    }

    /** The key of all processes of the Unix user {@code user}. */
    public static String user(String user) {
        return USER + user;
    }

    /** The pid in a key made by {@link #pid}, empty for other keys. */
    static OptionalLong pidOf(String key) {
        if (!key.startsWith(PID)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(key.substring(PID.length())));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
