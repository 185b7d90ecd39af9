package io.minbus.server.internal;

import java.util.List;

/**
 * The requester's side of explicit visibility (docs/minbus.md §18.7): waits for an explicit plugin's
 * answer about this connection's identity, asking the plugin (on its loop) when no question is out.
 * Never blocks: the waiting operation is resumed on the requester's loop.
 */
final class Explicit {
    private static final Runnable NOTHING = () -> {
    };

    private Explicit() {
    }

    /**
     * Makes sure {@code subject} is asked about {@code viewer}'s identity and runs {@code resume} on
     * {@code viewer}'s loop once it has answered (or the question failed, or the subject left).
     *
     * @return false if there is nothing to wait for: {@code resume} is then not run, go on now
     */
    static boolean await(Conn viewer, Member subject, Runnable resume) {
        Registry.Wait wait = viewer.bus.registry.await(viewer.plugin.member(), subject, () -> viewer.post(resume));
        if (wait == Registry.Wait.ASK && subject.owner().orElse(null) instanceof Conn target) {
            String identity = Visibilities.principal(viewer);
            target.post(() -> target.questions.ask(identity));
        }
        return wait != Registry.Wait.NOW;
    }

    /** Asks every plugin {@code viewer} has no answer from yet, without waiting (a connection stream, §18.7). */
    static void askAll(Conn viewer, List<Member> subjects) {
        for (Member m : subjects) {
            await(viewer, m, NOTHING);
        }
    }

    /** A newly registered explicit plugin is asked about the identities of the open connection streams. */
    static void askForWatchers(Conn subject) {
        Member me = subject.plugin.member();
        for (Member watcher : subject.bus.registry.watchersAsking(me)) {
            if (watcher.owner().orElse(null) instanceof Conn w) {
                await(w, me, NOTHING);
            }
        }
    }
}
