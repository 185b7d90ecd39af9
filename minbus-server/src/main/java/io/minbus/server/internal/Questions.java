package io.minbus.server.internal;

import io.minbus.mux.Entity;
import io.minbus.mux.MuxLimitException;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.VisibilityAnswer;
import io.minbus.protocol.VisibilityQuestion;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The visibility questions the server asks one {@code explicit} plugin (docs/minbus.md §18.7): one
 * request per requester identity, opened on the plugin's connection with 16 bytes of credit for the
 * answer. The outcome goes to the {@link Registry} ({@link Registry#settle}), which keeps it and
 * resumes the operations waiting for it. A malformed answer, a refusal or no answer within {@code
 * visibility_timeout} is a denial. Runs on the plugin's loop only; never blocks.
 */
final class Questions {
    /** Credit granted for the answer with the question (§18.7). */
    static final long ANSWER_CREDIT = 16;

    private final Conn conn;
    private final Map<String, Question> pending = new HashMap<>();

    /** One question out: attached to its request entity. */
    static final class Question {
        final String identity;
        final Entity entity;
        final long deadline;
        private final ByteBuffer answer = ByteBuffer.allocate(1);
        private boolean settled;

        Question(String identity, Entity entity, long deadline) {
            this.identity = identity;
            this.entity = entity;
            this.deadline = deadline;
        }

        @Override
        public String toString() {
            return "visibility question about " + identity;
        }
    }

    Questions(Conn conn) {
        this.conn = conn;
    }

    /** Asks the plugin about {@code identity} unless a question about it is out (on this loop). */
    void ask(String identity) {
        Member me = conn.plugin.member();
        if (me == null || pending.containsKey(identity)) {
            return;
        }
        if (!conn.connected()) {
            conn.bus.registry.settle(me, identity, Optional.empty());
            return;
        }
        if (pending.size() >= conn.bus.limits.maxVisibilityQuestions()) {
            Bus.LOG.log(Level.INFO, "{0}: {1} visibility questions await an answer (max_visibility_questions);"
                    + " the requester {2} is denied this time", conn, pending.size(), identity);
            conn.bus.registry.settle(me, identity, Optional.empty());
            return;
        }
        long maxEntities = conn.peer.maxEntities() < 0 ? Long.MAX_VALUE : conn.peer.maxEntities();
        if (!Connector.acquire(conn.serverEntities, maxEntities)) {
            Bus.LOG.log(Level.INFO, "{0}: its max_entities is reached; the requester {1} is denied this time", conn,
                    identity);
            conn.bus.registry.settle(me, identity, Optional.empty());
            return;
        }
        VisibilityQuestion question = identity.equals(Visibilities.TRUSTED) ? VisibilityQuestion.trusted()
                : VisibilityQuestion.peer(identity);
        Entity request;
        try {
            request = conn.engine.openRequest(question.encode(), ANSWER_CREDIT);
        } catch (MuxLimitException e) {
            conn.serverEntities.decrementAndGet();
            conn.bus.registry.settle(me, identity, Optional.empty());
            return;
        }
        Question q = new Question(identity, request,
                System.nanoTime() + conn.bus.limits.visibilityTimeout().toNanos());
        request.attach(q);
        pending.put(identity, q);
        conn.bus.counters.visibilityQuestion();
        Bus.LOG.log(Level.DEBUG, "{0}: asked whether {1} may see it", conn, identity);
    }

    /** A piece of the answer arrived. */
    void onData(Question q, ByteBuffer fragment, long total, boolean first, boolean last) {
        if (q.settled) {
            return;
        }
        if (first && total != 1) {
            finish(q, false, "a malformed answer of " + total + " bytes (one byte, 00 or 01, expected)");
            return;
        }
        q.answer.put(fragment);
        if (!last) {
            return;
        }
        try {
            VisibilityAnswer answer = VisibilityAnswer.decode(q.answer.flip());
            finish(q, answer == VisibilityAnswer.ALLOW, answer.toString());
        } catch (MalformedPayloadException e) {
            finish(q, false, "a malformed answer: " + e.getMessage());
        }
    }

    /** The plugin refused the request (closed it): a denial. */
    void onRefused(Question q) {
        if (!q.settled) {
            finish(q, false, "the plugin refused the question");
        }
    }

    /** Questions past {@code visibility_timeout} are cancelled and count as denials. */
    void tick(long now) {
        if (pending.isEmpty()) {
            return;
        }
        for (Question q : new ArrayList<>(pending.values())) {
            if (now - q.deadline >= 0 && !q.settled) {
                q.entity.readHalf().ifPresent(h -> conn.engine.cancel(h, ByteBuffer.allocate(0)));
                conn.bus.counters.visibilityTimeout();
                finish(q, false, "no answer within " + conn.bus.limits.visibilityTimeout().toMillis() + " ms");
                conn.markDirty();
            }
        }
    }

    /** The plugin went away: its questions are dropped (the registry releases their waiters). */
    void dropAll() {
        pending.values().forEach(q -> q.settled = true);
        pending.clear();
    }

    private void finish(Question q, boolean allow, String why) {
        q.settled = true;
        pending.remove(q.identity);
        Level level = why.startsWith("answer") ? Level.DEBUG : Level.INFO;
        Bus.LOG.log(level, "{0}: the requester {1} is {2}: {3}", conn, q.identity, allow ? "allowed" : "denied", why);
        Member me = conn.plugin.member();
        if (me != null) {
            conn.bus.registry.settle(me, q.identity, Optional.of(allow));
        }
    }
}
