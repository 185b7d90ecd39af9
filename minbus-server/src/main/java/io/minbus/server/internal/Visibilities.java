package io.minbus.server.internal;

import io.minbus.identity.Identity;
import io.minbus.protocol.Visibility;
import java.util.Optional;

/**
 * Who may see whom (docs/minbus.md §18.4): decided from the subject's declared visibility and the
 * viewer's standing and identity, and for {@code explicit} subjects from the answers they gave
 * (§18.7). Only final fields of the connections and the members' answers are read; the registry
 * calls both rules with its lock held, which guards the answers.
 */
final class Visibilities {
    /** The requester identity of every trusted plugin (§18.7: "the bus's trusted plugins"). */
    static final String TRUSTED = "trusted";

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
            case SAME -> principal(v).equals(principal(s));
            case EXPLICIT -> principal(v).equals(principal(s)) || Boolean.TRUE.equals(subject.answers.get(principal(v)));
            case NEVER -> false;
        };
    }

    /**
     * The identity {@code subject} must be asked about before {@code viewer} may see it (§18.7): present
     * only for an explicit subject of another identity that has not answered for the viewer's yet.
     */
    static Optional<String> question(Member viewer, Member subject) {
        if (viewer == subject || subject.registration().effectiveVisibility() != Visibility.EXPLICIT
                || !(viewer.owner().orElse(null) instanceof Conn v) || !(subject.owner().orElse(null) instanceof Conn s)) {
            return Optional.empty();
        }
        String identity = principal(v);
        if (identity.equals(principal(s)) || subject.answers.containsKey(identity) || !askable(identity)) {
            return Optional.empty();
        }
        return Optional.of(identity);
    }

    private static boolean askable(String identity) {
        return identity.equals(TRUSTED) || !identity.startsWith("connection#");
    }

    /** The bus itself: an in-process connection, or one that proved the bus's own key. */
    private static boolean isServer(Conn c, IdentityPolicy policy) {
        Optional<Identity> proven = c.io.provenKey();
        if (proven.isPresent()) {
            return proven.equals(policy.identity());
        }
        return c.io instanceof Io.PipeIo;
    }

    /** Whose a connection is: every trusted plugin acts for the bus; a peer is its proven key (base64). */
    static String principal(Conn c) {
        if (c.standing == Standing.PLUGIN) {
            return TRUSTED;
        }
        return c.io.provenKey().map(Identity::base64).orElse("connection#" + c.id);
    }
}
