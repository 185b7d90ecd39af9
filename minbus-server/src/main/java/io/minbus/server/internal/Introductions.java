package io.minbus.server.internal;

import io.minbus.mux.Entity;
import io.minbus.mux.Half;
import io.minbus.mux.MuxLimitException;
import io.minbus.protocol.DirectOffer;
import io.minbus.protocol.DirectQuestion;
import io.minbus.protocol.DirectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.Reason;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Direct connections (docs/minbus.md §19): the bus introduces an initiator {@code a} to a target
 * {@code b} on the same machine and user, so that they talk over a Unix socket of {@code b}'s,
 * skipping the relay. {@link #introduce} runs on {@code a}'s loop: the checks of §8.2 steps 1-4
 * (with the wait for an explicit target's answer, §18.7), then the locality check. The rest runs on
 * {@code b}'s loop, in the instance owned by {@code b}'s connection: the direct question to {@code b}
 * (a request with {@value #ANSWER_CREDIT} bytes of credit), its answer (an offer, a refusal, or
 * nothing within {@code visibility_timeout}), and the answer to {@code a}, posted back to its loop.
 * The server holds nothing of the direct connection itself: no relay, no buffer, no ticket.
 */
final class Introductions {
    /** Credit granted for the target's offer with the question: more than the largest offer. */
    static final long ANSWER_CREDIT = 512;

    private final Conn conn;
    private final Set<Question> pending = new LinkedHashSet<>();

    /** One direct question out to this connection's plugin, attached to its request entity. */
    static final class Question {
        final Conn initiator;
        final Entity initiatorRequest;
        final long deadline;
        Entity entity;
        private ByteBuffer answer;
        private boolean settled;

        Question(Conn initiator, Entity initiatorRequest, long deadline) {
            this.initiator = initiator;
            this.initiatorRequest = initiatorRequest;
            this.deadline = deadline;
        }

        @Override
        public String toString() {
            return "direct question for " + initiator;
        }
    }

    /** Attached to the initiator's request while the bus waits for an explicit target's answer. */
    private static final Object WAITING = new Object() {
        @Override
        public String toString() {
            return "direct introduction waiting for a visibility answer";
        }
    };

    Introductions(Conn conn) {
        this.conn = conn;
    }

    // ------------------------------------------------------------------ the initiator's side (a's loop)

    /** A request whose opening payload starts with {@code 02} (§19.2). */
    static void introduce(Conn a, Entity request, ByteBuffer opening) {
        introduce(a, request, opening, false);
    }

    private static void introduce(Conn a, Entity request, ByteBuffer opening, boolean resumed) {
        Bus bus = a.bus;
        if (!a.connected()) {
            refuse(a, request, ErrorPayload.of(Reason.UNEXPECTED));
            return;
        }
        DirectRequest direct;
        try {
            direct = DirectRequest.decode(opening);
        } catch (MalformedPayloadException e) {
            Bus.LOG.log(Level.DEBUG, "{0}: {1}", a, e.getMessage());
            refuse(a, request, ErrorPayload.of(Reason.MALFORMED));
            return;
        }
        Optional<Member> found = bus.registry.lookup(direct.name());
        if (!resumed && found.isPresent() && bus.registry.questionFor(a.plugin.member(), found.get()).isPresent()) {
            request.attach(WAITING); // §18.7: as a connect, wait for the explicit target's answer
            ByteBuffer copy = copyOf(opening);
            if (Explicit.await(a, found.get(), () -> resume(a, request, copy))) {
                return;
            }
            request.attach(null);
            introduce(a, request, copy, true);
            return;
        }
        if (found.isEmpty() || !(found.get().owner().orElse(null) instanceof Conn b)
                || !bus.registry.canSee(a.plugin.member(), found.get())) { // §18.4: hidden = absent
            refuse(a, request, ErrorPayload.of(Reason.NO_SUCH_PLUGIN));
            return;
        }
        PluginInfo target = found.get().plugin().orElseThrow();
        if (!direct.asConnect().accepts(target.version())) {
            refuse(a, request, ErrorPayload.versionTooLow(target.version()));
            return;
        }
        Optional<String> userA = localUser(a);
        if (userA.isEmpty() || !userA.equals(localUser(b))) {
            Bus.LOG.log(Level.DEBUG, "{0}: no direct connection to {1}: not the same local user ({2} and {3})", a,
                    target, userA.orElse("not local"), localUser(b).orElse("not local"));
            refuse(a, request, ErrorPayload.of(Reason.NO_DIRECT));
            return;
        }
        DirectQuestion question = new DirectQuestion(a.plugin.member().registration(),
                a.io.provenKey().map(io.minbus.identity.Identity::base64));
        long deadline = System.nanoTime() + bus.limits.visibilityTimeout().toNanos();
        Question q = new Question(a, request, deadline);
        b.postEvenIfClosed(() -> b.introductions.ask(q, question));
        Bus.LOG.log(Level.DEBUG, "{0}: asks {1} for a direct connection", a, target);
    }

    private static void resume(Conn a, Entity request, ByteBuffer opening) {
        if (!a.connected() || request.isRemoved() || request.writeHalf().orElseThrow().isEndedByUs()) {
            return;
        }
        request.attach(null);
        introduce(a, request, opening, true);
    }

    /**
     * The Unix user a connection runs as, if it is on this machine: the kernel's word for a plain
     * Unix socket ({@code SO_PEERCRED}), the server's own user for an in-process connection. Empty
     * for TCP and for secured connections (the bus cannot tell where their bytes come from).
     */
    static Optional<String> localUser(Conn c) {
        if (c.io instanceof Io.SocketIo) {
            return c.io.unixUser();
        }
        if (c.io instanceof Io.PipeIo && c.io.provenKey().isEmpty()) {
            return Optional.of(System.getProperty("user.name", ""));
        }
        return Optional.empty();
    }

    /** Ends the initiator's request with {@code error} (the response half is closed). */
    private static void refuse(Conn a, Entity request, ErrorPayload error) {
        a.bus.counters.refused(error.reason());
        Half response = request.writeHalf().orElseThrow();
        if (!response.isEndedByUs()) {
            a.engine.close(response, error.encode());
        }
    }

    /** The outcome for the initiator, on its loop: the offer as the response, or a refusal. */
    private static void answer(Conn a, Entity request, Optional<DirectOffer> offer, Reason refusal) {
        if (!a.connected() || request.isRemoved() || request.writeHalf().orElseThrow().isEndedByUs()) {
            return; // the initiator went away or gave up; the target's ticket expires unused
        }
        if (offer.isPresent()) {
            a.engine.send(request.writeHalf().orElseThrow(), offer.get().encode());
        } else {
            refuse(a, request, ErrorPayload.of(refusal));
        }
    }

    // ------------------------------------------------------------------ the target's side (b's loop)

    /** Asks this connection's plugin the direct question, unless a bound forbids it (§19.3). */
    void ask(Question q, DirectQuestion question) {
        if (!conn.connected()) {
            settle(q, Optional.empty(), Reason.NO_DIRECT, "the target went away");
            return;
        }
        if (pending.size() >= conn.bus.limits.maxVisibilityQuestions()) {
            settle(q, Optional.empty(), Reason.DIRECT_BUSY, pending.size() + " direct questions pending");
            return;
        }
        long maxEntities = conn.peer.maxEntities() < 0 ? Long.MAX_VALUE : conn.peer.maxEntities();
        if (!Connector.acquire(conn.serverEntities, maxEntities)) {
            settle(q, Optional.empty(), Reason.DIRECT_BUSY, "its max_entities is reached");
            return;
        }
        try {
            q.entity = conn.engine.openRequest(question.encode(), ANSWER_CREDIT);
        } catch (MuxLimitException e) {
            conn.serverEntities.decrementAndGet();
            settle(q, Optional.empty(), Reason.DIRECT_BUSY, e.getMessage());
            return;
        }
        q.entity.attach(q);
        pending.add(q);
        conn.bus.counters.directQuestion();
    }

    /** A piece of the target's response. */
    void onData(Question q, ByteBuffer fragment, long total, boolean first, boolean last) {
        if (q.settled) {
            return;
        }
        if (first) {
            if (total > DirectOffer.MAX_BYTES) {
                settle(q, Optional.empty(), Reason.NO_DIRECT, "an answer of " + total + " bytes is no offer");
                return;
            }
            q.answer = ByteBuffer.allocate((int) total);
        }
        q.answer.put(fragment);
        if (!last) {
            return;
        }
        try {
            DirectOffer offer = DirectOffer.decodeStrict(q.answer.flip());
            conn.bus.counters.directOffer();
            settle(q, Optional.of(offer), null, "offered " + offer.path());
        } catch (MalformedPayloadException e) {
            Bus.LOG.log(Level.INFO, "{0}: a malformed direct offer, counted as a refusal: {1}", conn, e.getMessage());
            settle(q, Optional.empty(), Reason.NO_DIRECT, "a malformed offer");
        }
    }

    /** The target refused the question: {@code 00...} means it is busy, anything else that it declines. */
    void onRefused(Question q, ByteBuffer reason) {
        if (q.settled) {
            return;
        }
        boolean busy = reason.hasRemaining() && reason.get(reason.position()) == Reason.CLASS_RESOURCES;
        settle(q, Optional.empty(), busy ? Reason.DIRECT_BUSY : Reason.NO_DIRECT, "the target declined");
    }

    /** Questions past {@code visibility_timeout} are cancelled and count as declined. */
    void tick(long now) {
        if (pending.isEmpty()) {
            return;
        }
        for (Question q : new ArrayList<>(pending)) {
            if (now - q.deadline >= 0) {
                q.entity.readHalf().filter(h -> !h.isEndedByUs())
                        .ifPresent(h -> conn.engine.cancel(h, ByteBuffer.allocate(0)));
                settle(q, Optional.empty(), Reason.NO_DIRECT, "no answer in time");
                conn.markDirty();
            }
        }
    }

    /** The target went away (cleanup, §10): every initiator still waiting is told there is no direct connection. */
    void dropAll() {
        for (Question q : new ArrayList<>(pending)) {
            settle(q, Optional.empty(), Reason.NO_DIRECT, "the target went away");
        }
    }

    private void settle(Question q, Optional<DirectOffer> offer, Reason refusal, String why) {
        q.settled = true;
        pending.remove(q);
        Bus.LOG.log(Level.DEBUG, "{0}: direct introduction of {1}: {2}", conn, q.initiator, why);
        Conn a = q.initiator;
        a.post(() -> answer(a, q.initiatorRequest, offer, refusal));
    }

    private static ByteBuffer copyOf(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate());
        return c.flip();
    }
}
