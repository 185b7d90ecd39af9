package io.minbus.server.internal;

import io.minbus.identity.Identity;
import java.util.Optional;

/**
 * Who may see whom (docs/minbus.md §18.4): decided from the subject's declared visibility and the
 * viewer's standing and identity. Only final fields of the connections are read, so any thread
 * (under the registry's lock) may ask.
 */
final class Visibilities {
    private Visibilities() {
    }

    /** Whether {@code viewer} may see (list, watch, connect to) {@code subject}. */
    static boolean canSee(Member viewer, Member subject, IdentityPolicy policy) {
        if (viewer == subject || !(viewer.owner().orElse(null) instanceof Conn v)
                || !(subject.owner().orElse(null) instanceof Conn s)) {
            return true; // the registry's own tests use owners that are no connections
        }
        return switch (subject.registration().effectiveVisibility()) {
            case ALWAYS -> true;
            case TRUSTED -> v.standing == Standing.PLUGIN;
            case SERVER -> isServer(v, policy);
            case SAME, EXPLICIT -> principal(v).equals(principal(s)); // explicit: no question yet, fail closed
            case NEVER -> false;
        };
    }

    /** The bus itself: an in-process connection, or one that proved the bus's own key. */
    private static boolean isServer(Conn c, IdentityPolicy policy) {
        Optional<Identity> proven = c.io.provenKey();
        if (proven.isPresent()) {
            return proven.equals(policy.identity());
        }
        return c.io instanceof Io.PipeIo;
    }

    /** Whose a connection is: every trusted plugin acts for the bus; a peer is its proven key. */
    private static String principal(Conn c) {
        if (c.standing == Standing.PLUGIN) {
            return "bus";
        }
        return c.io.provenKey().map(Identity::base64).orElse("connection#" + c.id);
    }
}
