package io.minbus.server.internal;

import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Registration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One registered connection, named or nameless: the handle a connection holds for its registration
 * in the {@link Registry}. Identity is the object; two connections registering the same tuple one
 * after the other are different members. Created only by {@link Registry#admit}.
 */
public final class Member {
    private final long id;
    private final Registration registration;
    private final Optional<String> process;
    private final Object owner;
    private final Registry registry;
    /** Guarded by the registry's lock. */
    boolean gone;
    /** Explicit visibility (docs/minbus.md §18.7): the outcome kept per requester identity; registry's lock. */
    final Map<String, Boolean> answers = new HashMap<>();
    /**
     * Operations waiting for an answer, per requester identity; an identity is present while a question
     * about it is out (or about to be asked). Guarded by the registry's lock.
     */
    final Map<String, List<Runnable>> waiters = new HashMap<>();

    Member(long id, Registration registration, Optional<String> process, Object owner, Registry registry) {
        this.id = id;
        this.registration = registration;
        this.process = process;
        this.owner = owner;
        this.registry = registry;
    }

    /** A number unique within its registry, for logs. */
    public long id() {
        return id;
    }

    /** What the connection registered with; the name is empty for a nameless client. */
    public Registration registration() {
        return registration;
    }

    /** The listed plugin, empty for a nameless client. */
    public Optional<PluginInfo> plugin() {
        return registration.plugin();
    }

    /**
     * The peer process id this member counts against (docs/minbus.md §14), if its process key is a
     * pid ({@link ProcessKeys#pid}); empty otherwise.
     */
    public OptionalLong pid() {
        return process.map(ProcessKeys::pidOf).orElse(OptionalLong.empty());
    }

    /** The key of the process (or user, §14) this member's name counts against; empty if none. */
    public Optional<String> process() {
        return process;
    }

    /** What the caller of {@link Registry#admit(Registration, Optional, Object)} attached (the server's connection). */
    public Optional<Object> owner() {
        return Optional.ofNullable(owner);
    }

    boolean belongsTo(Registry r) {
        return registry == r;
    }

    @Override
    public String toString() {
        return "member#" + id + " " + registration;
    }
}
