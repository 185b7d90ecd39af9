package io.minbus.server.internal;

import io.minbus.protocol.Event;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.transport.internal.logging.LazyLogger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bus's registry (docs/minbus.md §4, §6, §7, §10, §14): which connection holds which name, the
 * nameless clients, the open connection streams, and how many names each process holds.
 *
 * <p><b>Threads.</b> The server runs several selector loops and any of them may register, query or
 * clean up, so the registry is shared and guarded by one {@link ReentrantLock} (not {@code
 * synchronized}: callers on virtual threads are never pinned). Every operation is short and
 * allocation-light. {@link Watcher}s are called with the lock held, so every watcher gets its
 * snapshot before any event and all watchers see events in the same order; they must only enqueue.
 *
 * <p><b>Guarantees.</b> A name is held by at most one member. A snapshot plus the events that follow
 * it equal the registry's named members other than the watcher, at every moment. {@link #leave}
 * does the cleanup exactly once per member. Nameless members are never listed and cause no events.
 * Listings are in registration order.
 */
public final class Registry {
    private static final System.Logger LOG = LazyLogger.of(Registry.class.getName());

    private final int maxNamesPerProcess;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Member> byName = new LinkedHashMap<>();
    private final Map<String, Integer> namesPerProcess = new HashMap<>();
    private final Map<Member, Watcher> watchers = new LinkedHashMap<>();
    private int members;
    private long nextId = 1;
    private boolean notifying;
    /** Whether a viewer may see a subject (docs/minbus.md §18.4); everyone sees everyone by default. */
    private volatile java.util.function.BiPredicate<Member, Member> visibility = (viewer, subject) -> true;
    /**
     * The requester identity a subject must be asked about before a viewer may see it (§18.7), if an
     * answer is missing; never by default.
     */
    private volatile java.util.function.BiFunction<Member, Member, Optional<String>> question = (v, s) -> Optional.empty();

    /** What {@link #await} tells its caller. */
    public enum Wait {
        /** Nothing to wait for (answered, no question needed, or the subject is gone): go on now. */
        NOW,
        /** A question about this identity is out already; the action runs when it is settled. */
        WAIT,
        /** The caller must ask the subject (the first waiter); the action runs when it is settled. */
        ASK
    }

    /** @param maxNamesPerProcess named registrations allowed per peer process id (§14) */
    public Registry(int maxNamesPerProcess) {
        if (maxNamesPerProcess <= 0) {
            throw new IllegalArgumentException("maxNamesPerProcess must be positive, got " + maxNamesPerProcess);
        }
        this.maxNamesPerProcess = maxNamesPerProcess;
    }

    /**
     * Registers a connection (§4.2) counting its name against the process {@code pid}.
     *
     * @param pid the peer process id (§14); empty, or a value {@code <= 0}, for none
     * @see #admit(Registration, Optional, Object)
     */
    public Admission admit(Registration registration, OptionalLong pid) {
        OptionalLong process = pid.isPresent() && pid.getAsLong() > 0 ? pid : OptionalLong.empty();
        return admit(registration, process.isPresent() ? Optional.of(ProcessKeys.pid(process.getAsLong()))
                : Optional.empty(), null);
    }

    /**
     * Registers a connection (§4.2): refuses a taken name, then a process over its name limit;
     * otherwise adds the member and tells every watcher that it joined (unless nameless).
     *
     * @param process the key the name counts against (§14, {@link ProcessKeys}); empty for none
     * @param owner   attached to the member for {@link Member#owner()} (the server's connection), may be null
     */
    public Admission admit(Registration registration, Optional<String> process, Object owner) {
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(process, "process");
        lock.lock();
        try {
            checkNotNotifying("admit");
            if (registration.isNameless()) {
                return new Admission.Admitted(add(registration, process, owner));
            }
            if (byName.containsKey(registration.name())) {
                LOG.log(Level.DEBUG, () -> "refused " + registration + ": name taken by " + byName.get(registration.name()));
                return new Admission.Refused(Reason.NAME_TAKEN);
            }
            if (process.isPresent() && namesHeldBy(process.get()) >= maxNamesPerProcess) {
                LOG.log(Level.INFO, () -> "refused " + registration + ": " + process.get() + " already holds "
                        + maxNamesPerProcess + " names");
                return new Admission.Refused(Reason.PROCESS_NAME_LIMIT);
            }
            Member member = add(registration, process, owner);
            byName.put(registration.name(), member);
            process.ifPresent(p -> namesPerProcess.merge(p, 1, Integer::sum));
            notifyWatchers(Event.Kind.JOINED, member);
            return new Admission.Admitted(member);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The cleanup of §10 steps 1-2, exactly once: frees the name, drops the member's connection
     * stream, and tells every other watcher that it left. The caller breaks the member's relays when
     * this returns true.
     *
     * @return true if this call did the cleanup, false if it was already done
     */
    public boolean leave(Member member) {
        checkOwned(member);
        lock.lock();
        try {
            checkNotNotifying("leave");
            if (member.gone) {
                return false;
            }
            member.gone = true;
            members--;
            watchers.remove(member);
            Optional<PluginInfo> plugin = member.plugin();
            if (plugin.isPresent()) {
                byName.remove(plugin.get().name());
                member.process().ifPresent(p -> namesPerProcess.computeIfPresent(p, (k, n) -> n == 1 ? null : n - 1));
                notifyWatchers(Event.Kind.LEFT, member);
            }
            LOG.log(Level.DEBUG, () -> "left: " + member);
        } finally {
            lock.unlock();
        }
        runReleased(released(member, null));
        return true;
    }

    /**
     * The named members other than {@code viewer} that it may not see only because they have not
     * answered its identity yet (§18.7), in registration order.
     */
    public List<Member> unanswered(Member viewer) {
        checkOwned(viewer);
        lock.lock();
        try {
            List<Member> list = new ArrayList<>();
            for (Member m : byName.values()) {
                if (m != viewer && question.apply(viewer, m).isPresent()) {
                    list.add(m);
                }
            }
            return list;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code resume} once {@code subject} has settled whether {@code viewer} may see it (§18.7):
     * at once (returns {@link Wait#NOW}, {@code resume} is not kept), or later from whichever thread
     * settles it ({@link #settle}, or {@link #leave} of the subject). {@code resume} must only enqueue.
     *
     * @return {@link Wait#ASK} when the caller must send the question (identity: {@link #questionFor})
     */
    public Wait await(Member viewer, Member subject, Runnable resume) {
        checkOwned(viewer);
        checkOwned(subject);
        lock.lock();
        try {
            Optional<String> identity = subject.gone ? Optional.empty() : question.apply(viewer, subject);
            if (identity.isEmpty()) {
                return Wait.NOW;
            }
            List<Runnable> list = subject.waiters.get(identity.get());
            boolean first = list == null;
            if (first) {
                list = new ArrayList<>();
                subject.waiters.put(identity.get(), list);
            }
            list.add(resume);
            return first ? Wait.ASK : Wait.WAIT;
        } finally {
            lock.unlock();
        }
    }

    /** The watchers (connection streams) whose identity {@code subject} must still be asked about (§18.7). */
    public List<Member> watchersAsking(Member subject) {
        checkOwned(subject);
        lock.lock();
        try {
            List<Member> list = new ArrayList<>();
            for (Member w : watchers.keySet()) {
                if (question.apply(w, subject).isPresent()) {
                    list.add(w);
                }
            }
            return list;
        } finally {
            lock.unlock();
        }
    }

    /** The requester identity {@code subject} must be asked about for {@code viewer}, if an answer is missing. */
    public Optional<String> questionFor(Member viewer, Member subject) {
        lock.lock();
        try {
            return question.apply(viewer, subject);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records the outcome of a question to {@code subject} about {@code identity} (§18.7) and runs the
     * operations waiting for it. With {@code allow} present the outcome is kept; an {@code allow} makes
     * {@code subject} visible to the open connection streams of that identity, which get {@code joined}
     * now. An empty {@code allow} (the question could not be asked) keeps nothing.
     */
    public void settle(Member subject, String identity, Optional<Boolean> allow) {
        checkOwned(subject);
        Objects.requireNonNull(identity, "identity");
        lock.lock();
        try {
            checkNotNotifying("settle");
            if (allow.isPresent() && !subject.gone && !subject.answers.containsKey(identity)) {
                List<Member> hidden = new ArrayList<>();
                for (Member w : watchers.keySet()) {
                    if (w != subject && !visibility.test(w, subject)) {
                        hidden.add(w);
                    }
                }
                subject.answers.put(identity, allow.get());
                if (subject.plugin().isPresent()) {
                    hidden.removeIf(w -> !visibility.test(w, subject));
                    notify(Event.Kind.JOINED, subject, hidden);
                }
            }
        } finally {
            lock.unlock();
        }
        runReleased(released(subject, identity));
    }

    /** Takes the waiters of one identity (or of all, for null) off {@code subject}, under the lock. */
    private List<Runnable> released(Member subject, String identity) {
        lock.lock();
        try {
            List<Runnable> out = new ArrayList<>();
            if (identity == null) {
                subject.waiters.values().forEach(out::addAll);
                subject.waiters.clear();
            } else {
                Optional.ofNullable(subject.waiters.remove(identity)).ifPresent(out::addAll);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private static void runReleased(List<Runnable> actions) {
        for (Runnable r : actions) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "an operation waiting for a visibility answer failed to resume", e);
            }
        }
    }

    /** The named member holding {@code name}, if any (§8.2). */
    public Optional<Member> lookup(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(byName.get(name));
        } finally {
            lock.unlock();
        }
    }

    /** The connection-query response for {@code requester}: every named member but itself (§6). */
    public PluginList plugins(Member requester) {
        checkOwned(requester);
        lock.lock();
        try {
            return listExcept(requester);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens {@code member}'s connection stream (§7): {@code watcher} gets the snapshot at once, then
     * every join and leave of another named member, nothing in between.
     *
     * @return false if the member already has a connection stream or is gone (the caller then closes
     *         the new stream with an empty payload); the watcher is then not called
     * @throws RuntimeException what {@link Watcher#snapshot} threw; the stream is then not open
     */
    /** The named members {@code requester} may see, except itself, in registration order (§18.6). */
    public List<Member> visibleMembers(Member requester) {
        checkOwned(requester);
        lock.lock();
        try {
            return visibleExcept(requester);
        } finally {
            lock.unlock();
        }
    }

    public boolean watch(Member member, Watcher watcher) {
        checkOwned(member);
        Objects.requireNonNull(watcher, "watcher");
        lock.lock();
        try {
            checkNotNotifying("watch");
            if (member.gone || watchers.containsKey(member)) {
                return false;
            }
            watchers.put(member, watcher);
            List<Member> snapshot = visibleExcept(member);
            notifying = true;
            try {
                watcher.snapshotOf(snapshot);
            } catch (RuntimeException failure) {
                watchers.remove(member);
                throw failure;
            } finally {
                notifying = false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes {@code member}'s connection stream (the plugin cancelled it, or the server closed it).
     *
     * @return true if it had one
     */
    public boolean unwatch(Member member) {
        checkOwned(member);
        lock.lock();
        try {
            checkNotNotifying("unwatch");
            return watchers.remove(member) != null;
        } finally {
            lock.unlock();
        }
    }

    /** Members, named and nameless, not yet gone. */
    public int size() {
        lock.lock();
        try {
            return members;
        } finally {
            lock.unlock();
        }
    }

    /** Open connection streams. */
    public int watcherCount() {
        lock.lock();
        try {
            return watchers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Names held by the process {@code pid} (§14). */
    public int namesHeldBy(long pid) {
        return namesHeldBy(ProcessKeys.pid(pid));
    }

    /** Names counted against the process key {@code process} (§14, {@link ProcessKeys}). */
    public int namesHeldBy(String process) {
        lock.lock();
        try {
            return namesPerProcess.getOrDefault(process, 0);
        } finally {
            lock.unlock();
        }
    }

    /** Named members, that is listed plugins. */
    public int namedCount() {
        lock.lock();
        try {
            return byName.size();
        } finally {
            lock.unlock();
        }
    }

    /** Sets who may see whom (§18.4): {@code rule.test(viewer, subject)}; called under the registry's lock. */
    public void visibility(java.util.function.BiPredicate<Member, Member> rule) {
        visibility = Objects.requireNonNull(rule, "rule");
    }

    /**
     * Sets which identity a subject must be asked about before a viewer may see it (§18.7): {@code
     * rule.apply(viewer, subject)}, empty when no answer is missing; called under the registry's lock.
     */
    public void questions(java.util.function.BiFunction<Member, Member, Optional<String>> rule) {
        question = Objects.requireNonNull(rule, "rule");
    }

    /** Whether {@code viewer} may see {@code subject} (list, watch, connect to it). */
    public boolean canSee(Member viewer, Member subject) {
        lock.lock();
        try {
            return visibility.test(viewer, subject);
        } finally {
            lock.unlock();
        }
    }

    private Member add(Registration registration, Optional<String> process, Object owner) {
        Member member = new Member(nextId++, registration, process, owner, this);
        members++;
        LOG.log(Level.DEBUG, () -> "joined: " + member + process.map(p -> " (" + p + ")").orElse(""));
        return member;
    }

    private List<Member> visibleExcept(Member viewer) {
        List<Member> list = new ArrayList<>(byName.size());
        for (Member m : byName.values()) {
            if (m != viewer && visibility.test(viewer, m)) {
                list.add(m);
            }
        }
        return list;
    }

    private PluginList listExcept(Member excluded) {
        List<PluginInfo> list = new ArrayList<>(byName.size());
        for (Member m : byName.values()) {
            if (m != excluded && visibility.test(excluded, m)) {
                list.add(m.plugin().orElseThrow());
            }
        }
        return new PluginList(list);
    }

    private void notifyWatchers(Event.Kind kind, Member subject) {
        List<Member> viewers = new ArrayList<>(watchers.size());
        for (Member w : watchers.keySet()) {
            if (visibility.test(w, subject)) {
                viewers.add(w);
            }
        }
        notify(kind, subject, viewers);
    }

    private void notify(Event.Kind kind, Member subject, List<Member> viewers) {
        notifying = true;
        try {
            for (Member viewer : viewers) {
                try {
                    watchers.get(viewer).eventOf(kind, subject);
                } catch (RuntimeException failure) {
                    LOG.log(Level.ERROR, "the connection-stream watcher of " + viewer + " failed on " + kind + " "
                            + subject + "; the other watchers are still notified", failure);
                }
            }
        } finally {
            notifying = false;
        }
    }

    private void checkNotNotifying(String operation) {
        if (notifying) {
            throw new IllegalStateException("Registry." + operation + " was called from a Watcher callback;"
                    + " watchers must only enqueue the event and act on it later");
        }
    }

    private void checkOwned(Member member) {
        Objects.requireNonNull(member, "member");
        if (!member.belongsTo(this)) {
            throw new IllegalArgumentException(member + " was admitted by another registry");
        }
    }
}
