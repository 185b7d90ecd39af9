package io.minbus.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.wire.Limits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random operation sequences on two engines wired back to back (bytes moved in random
 * amounts): opens, sends in random pieces, closes, cancels, grants, pings, responses. Checks that
 * every message arrives exactly once, whole and in order per half (a prefix where the reader
 * cancelled), and that the credit invariants hold after every step. The seed is printed.
 */
@Timeout(60)
class RandomOperationsTest {

    /** The test's view of one entity: messages each way, keyed by the side that writes. */
    static final class Chan {
        final Map<Boolean, List<byte[]>> sent = new HashMap<>(Map.of(true, new ArrayList<>(), false, new ArrayList<>()));
        final Map<Boolean, List<byte[]>> received = new HashMap<>(Map.of(true, new ArrayList<>(), false, new ArrayList<>()));
        final Map<Boolean, Boolean> cancelled = new HashMap<>(Map.of(true, false, false, false));
    }

    /** One endpoint: its engine and what it knows. */
    final class Side implements MuxListener {
        final boolean isA;
        MuxEngine engine;
        final List<Entity> live = new ArrayList<>();
        final Map<Half, ByteArrayOutputStream> assembling = new HashMap<>();
        final Map<Half, Boolean> closedByMe = new HashMap<>();

        Side(boolean isA) {
            this.isA = isA;
        }

        @Override
        public void opened(Entity entity, ByteBuffer opening) {
            String key = key(!isA, entity);
            entity.attach(opens.get(key));
            live.add(entity);
        }

        @Override
        public void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {
            ByteArrayOutputStream m = assembling.computeIfAbsent(half, h -> new ByteArrayOutputStream());
            if (first) {
                assertThat(m.size()).isZero();
            }
            byte[] b = new byte[fragment.remaining()];
            fragment.get(b);
            m.writeBytes(b);
            if (last) {
                assembling.remove(half);
                assertThat((long) m.size()).isEqualTo(total);
                chan(half).received.get(!isA).add(m.toByteArray());
            }
        }

        @Override
        public void removed(Entity entity) {
            live.remove(entity);
        }
    }

    private final Map<String, Chan> opens = new HashMap<>();

    static String key(boolean creatorIsA, Entity e) {
        return creatorIsA + "/" + (e.kind() == EntityKind.REQUEST) + "/" + e.id();
    }

    static Chan chan(Half h) {
        return (Chan) h.entity().attachment().orElseThrow();
    }

    @RepeatedTest(20)
    void randomOperationsKeepEveryMessageAndTheCreditInvariants() {
        long seed = TestSeeds.seed("randomOperations");
        Random r = new Random(seed);
        Limits limits = new Limits(1024, 1 << 16, 12);
        Side a = new Side(true);
        Side b = new Side(false);
        // eager encoding (what the bus uses) on either side, sometimes both: it must keep order and credit too
        a.engine = new MuxEngine(limits, limits, 1 + r.nextInt(300), a, "").encodeEagerly(r.nextBoolean());
        b.engine = new MuxEngine(limits, limits, 1 + r.nextInt(300), b, "").encodeEagerly(r.nextBoolean());
        List<Chan> all = new ArrayList<>();
        for (Side s : new Side[] {a, b}) {
            Chan top = new Chan();
            s.engine.top().attach(top);
            s.live.add(s.engine.top());
            if (s == a) {
                all.add(top);
            } else {
                b.engine.top().attach(a.engine.top().attachment().orElseThrow());
            }
        }
        for (int step = 0; step < 3000; step++) {
            Side s = r.nextBoolean() ? a : b;
            Side other = s == a ? b : a;
            switch (r.nextInt(10)) {
                case 0 -> open(s, r, all);
                case 1, 2 -> randomWrite(s, r);
                case 3 -> randomHalf(s, r, true).ifPresent(h -> close(s, h));
                case 4 -> randomHalf(s, r, false).ifPresent(h -> {
                    if (r.nextInt(4) == 0 && s.engine.cancel(h, ByteBuffer.wrap(new byte[r.nextInt(3)]))) {
                        chan(h).cancelled.put(!s.isA, true);
                    }
                });
                case 5, 6 -> randomHalf(s, r, false).ifPresent(h -> s.engine.grant(h, 1 + r.nextInt(40)));
                case 7 -> randomHalf(s, r, r.nextBoolean()).ifPresent(h -> s.engine.ping(h));
                default -> shuttle(s, other, r.nextInt(200));
            }
            check(a, b);
        }
        // let everything through: generous credit, then move all bytes until both are quiet
        for (int round = 0; round < 1000 && (a.engine.hasOutput() || b.engine.hasOutput() || round < 2); round++) {
            for (Side s : new Side[] {a, b}) {
                for (Entity e : List.copyOf(s.live)) {
                    e.readHalf().ifPresent(h -> s.engine.grant(h, 1 << 20));
                }
            }
            shuttle(a, b, Integer.MAX_VALUE);
            shuttle(b, a, Integer.MAX_VALUE);
            check(a, b);
        }
        int delivered = 0;
        for (Chan c : all) {
            delivered += c.received.get(true).size() + c.received.get(false).size();
        }
        System.out.println("randomOperations: " + all.size() + " entities, " + delivered + " messages delivered");
        assertThat(delivered).as("seed %d: the run must deliver messages", seed).isGreaterThan(100);
        for (Chan c : all) {
            for (boolean writerIsA : new boolean[] {true, false}) {
                List<byte[]> sent = c.sent.get(writerIsA);
                List<byte[]> got = c.received.get(writerIsA);
                assertThat(got.size()).as("seed %d: more received than sent", seed).isLessThanOrEqualTo(sent.size());
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i)).as("seed %d message %d", seed, i).isEqualTo(sent.get(i));
                }
                if (!c.cancelled.get(writerIsA)) {
                    assertThat(got.size()).as("seed %d: messages lost", seed).isEqualTo(sent.size());
                }
            }
        }
    }

    private void open(Side s, Random r, List<Chan> all) {
        ByteBuffer opening = ByteBuffer.wrap(new byte[r.nextInt(5)]);
        Entity e;
        try {
            e = switch (r.nextInt(4)) {
                case 0 -> s.engine.openSink(opening);
                case 1 -> s.engine.openStream(opening, r.nextInt(20));
                case 2 -> s.engine.openDuplex(opening, r.nextInt(20));
                default -> s.engine.openRequest(opening, r.nextInt(20));
            };
        } catch (MuxLimitException full) {
            return;
        }
        Chan c = new Chan();
        all.add(c);
        e.attach(c);
        opens.put(key(s.isA, e), c);
        s.live.add(e);
    }

    private void randomWrite(Side s, Random r) {
        randomHalf(s, r, true).ifPresent(h -> {
            if (s.closedByMe.containsKey(h) || (h.entity().kind() == EntityKind.REQUEST && h.isEndedByUs())) {
                return;
            }
            byte[] m = new byte[r.nextInt(r.nextInt(8) == 0 ? 3000 : 40)];
            r.nextBytes(m);
            try {
                if (!s.engine.startMessage(h, m.length)) {
                    return;
                }
            } catch (IllegalStateException oneResponseOnly) {
                return;
            }
            chan(h).sent.get(s.isA).add(m);
            int at = 0;
            while (at < m.length) {
                int n = 1 + r.nextInt(m.length - at);
                assertThat(s.engine.appendMessage(h, ByteBuffer.wrap(m, at, n))).isTrue();
                at += n;
            }
        });
    }

    private void close(Side s, Half h) {
        if (s.closedByMe.containsKey(h) || h.isEndedByUs()) {
            return;
        }
        if (h.entity().kind() == EntityKind.REQUEST && !chan(h).sent.get(s.isA).isEmpty()) {
            return;
        }
        s.closedByMe.put(h, true);
        s.engine.close(h, ByteBuffer.allocate(1));
    }

    private static java.util.Optional<Half> randomHalf(Side s, Random r, boolean write) {
        if (s.live.isEmpty()) {
            return java.util.Optional.empty();
        }
        Entity e = s.live.get(r.nextInt(s.live.size()));
        return write ? e.writeHalf() : e.readHalf();
    }

    /** Moves up to {@code max} bytes from one engine's output into the other. */
    private static void shuttle(Side from, Side to, int max) {
        int left = max;
        while (left > 0 && from.engine.hasOutput()) {
            ByteBuffer out = from.engine.output();
            int n = Math.min(left, out.remaining());
            ByteBuffer piece = out.slice(out.position(), n);
            out.position(out.position() + n);
            to.engine.receive(piece);
            left -= n;
        }
    }

    private static void check(Side a, Side b) {
        a.engine.checkInvariants();
        b.engine.checkInvariants();
        for (Side s : new Side[] {a, b}) {
            Side o = s == a ? b : a;
            for (Entity e : s.live) {
                e.writeHalf().ifPresent(w -> {
                    assertThat(s.engine.credit(w)).as("credit on %s", w).isNotNegative();
                    Entity peerSide = find(o, e);
                    if (peerSide != null && !w.isEndedByUs()) {
                        peerSide.readHalf().ifPresent(rh -> assertThat(s.engine.credit(w))
                                .as("credit held on %s never exceeds what its reader granted", w)
                                .isLessThanOrEqualTo(o.engine.granted(rh)));
                    }
                });
            }
        }
    }

    private static Entity find(Side o, Entity e) {
        for (Entity x : o.live) {
            if (x.attachment().equals(e.attachment()) && x.kind() == e.kind()) {
                return x;
            }
        }
        return null;
    }
}
