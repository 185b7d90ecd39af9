package io.minbus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.mux.Entity;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.server.RawPeer.Ev;
import io.minbus.server.TestBus.Via;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bus's side of direct connections (docs/minbus.md §19.2-§19.3) with raw sessions on both ends:
 * the initiator sends introduction requests byte by byte, the target answers the direct question
 * with well-formed, malformed or no offers, or goes away. The SDK's side is covered by minbus-client's
 * DirectConnectionTest; here every answer the initiator gets is checked byte for byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectIntroductionTest {
    private static final HexFormat HEX = HexFormat.of();
    /** A well-formed offer: kind 00, the path "/run/b.sock", 32 ticket bytes. */
    private static final byte[] OFFER = offer("/run/b.sock", 32, 0);

    private TestBus bus;
    private RawPeer a;
    private RawPeer b;

    private void start(Duration visibilityTimeout) {
        bus = TestBus.start(2, ServerLimits.builder().visibilityTimeout(visibilityTimeout).build());
        a = registered("a");
        b = registered("b");
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    private RawPeer registered(String name) {
        RawPeer p = RawPeer.start(bus.connect(Via.UNIX));
        p.run(e -> e.grant(p.topRead(), 4096));
        p.run(e -> e.send(p.topWrite(), Registration.named(name, 1).encode()));
        assertThat(RegistrationResult.decode(p.next("data", null).payload()).isAccepted()).as(name + " registered").isTrue();
        return p;
    }

    /** {@code a} asks for an introduction with this opening payload; returns its request. */
    private Entity introduce(byte[] payload) {
        return a.call(e -> e.openRequest(ByteBuffer.wrap(payload), 512));
    }

    private static byte[] introduction(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer p = ByteBuffer.allocate(2 + n.length).put((byte) 0x02).put((byte) n.length).put(n);
        return p.array();
    }

    /** The question {@code b} receives; checks its kind and that it names {@code a}. */
    private Entity question() {
        Ev opened = b.next("opened", null);
        byte[] q = bytes(opened.payload());
        assertThat(q[0]).as("kind 01: a direct question").isEqualTo((byte) 0x01);
        assertThat(new String(q, 2, q[1], StandardCharsets.UTF_8)).as("it names the initiator").isEqualTo("a");
        return opened.entity();
    }

    /** What {@code a}'s request ended with: "data HEX" for a response, "refused HEX" for a refusal. */
    private String answer(Entity request) {
        return answer(request, null);
    }

    /** As {@link #answer(Entity)}, failing if data arrives meanwhile on {@code cancelled}. */
    private String answer(Entity request, Entity cancelled) {
        while (true) {
            Ev ev = a.next();
            assertThat(ev.entity() == cancelled && ev.kind().equals("data")).as("an answer to the cancelled request reached a").isFalse();
            if (ev.entity() != request) {
                continue;
            }
            switch (ev.kind()) {
                case "data" -> {
                    return "data " + HEX.formatHex(bytes(ev.payload()));
                }
                case "closed" -> {
                    return "refused " + HEX.formatHex(bytes(ev.payload()));
                }
                default -> {
                    // credit, acks
                }
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static byte[] offer(String path, int ticketBytes, int trailing) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        o.write(0x00);
        o.write(p.length);
        o.writeBytes(p);
        for (int i = 0; i < ticketBytes + trailing; i++) {
            o.write(0x40 + i % 32);
        }
        return o.toByteArray();
    }

    @Test
    void aWellFormedOfferReachesTheInitiatorUnchanged() {
        start(Duration.ofSeconds(10));
        Entity request = introduce(introduction("b"));
        Entity q = question();
        b.run(e -> e.send(q.writeHalf().orElseThrow(), ByteBuffer.wrap(OFFER)));
        assertThat(answer(request)).isEqualTo("data " + HEX.formatHex(OFFER));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"trailing byte", "empty path", "short ticket", "not an offer"})
    void aMalformedOfferIsNoDirectForTheInitiator(String flaw) {
        start(Duration.ofSeconds(10));
        byte[] bad = switch (flaw) {
            case "trailing byte" -> offer("/run/b.sock", 32, 1);
            case "empty path" -> offer("", 32, 0);
            case "short ticket" -> offer("/run/b.sock", 31, 0);
            default -> new byte[] {0x07, 0x01, 0x41};
        };
        Entity request = introduce(introduction("b"));
        Entity q = question();
        b.run(e -> e.send(q.writeHalf().orElseThrow(), ByteBuffer.wrap(bad)));
        assertThat(answer(request)).as("NO_DIRECT").isEqualTo("refused 010d");
        // the bus is still fine: the next introduction with a good offer goes through
        Entity again = introduce(introduction("b"));
        Entity q2 = question();
        b.run(e -> e.send(q2.writeHalf().orElseThrow(), ByteBuffer.wrap(OFFER)));
        assertThat(answer(again)).isEqualTo("data " + HEX.formatHex(OFFER));
    }

    @Test
    void theStatsCountTheDirectQuestionsAskedAndTheOffersMade() {
        start(Duration.ofSeconds(10));
        Entity offered = introduce(introduction("b"));
        Entity q = question();
        b.run(e -> e.send(q.writeHalf().orElseThrow(), ByteBuffer.wrap(OFFER)));
        answer(offered);
        Entity declined = introduce(introduction("b"));
        Entity q2 = question();
        b.run(e -> e.close(q2.writeHalf().orElseThrow(), ByteBuffer.allocate(0)));
        answer(declined);

        ServerStats s = bus.stats();
        assertThat(s.directQuestions()).isEqualTo(2);
        assertThat(s.directOffers()).isEqualTo(1);
    }

    @Test
    void aTargetThatDeclinesIsNoDirectAndOneThatRefusesWith00IsBusy() {
        start(Duration.ofSeconds(10));
        Entity declined = introduce(introduction("b"));
        Entity q = question();
        b.run(e -> e.close(q.writeHalf().orElseThrow(), ByteBuffer.allocate(0)));
        assertThat(answer(declined)).as("NO_DIRECT").isEqualTo("refused 010d");

        Entity busy = introduce(introduction("b"));
        Entity q2 = question();
        b.run(e -> e.close(q2.writeHalf().orElseThrow(), ByteBuffer.wrap(new byte[] {0x00})));
        assertThat(answer(busy)).as("DIRECT_BUSY").isEqualTo("refused 000e");
    }

    @Test
    void aTargetThatGoesAwayMidQuestionIsNoDirect() {
        start(Duration.ofSeconds(10));
        Entity request = introduce(introduction("b"));
        question();
        b.close();
        assertThat(answer(request)).as("NO_DIRECT").isEqualTo("refused 010d");
    }

    @Test
    void aTargetThatDoesNotAnswerWithinTheVisibilityTimeoutIsNoDirect() {
        start(Duration.ofMillis(300)); // b never answers: no race with the timeout
        Entity request = introduce(introduction("b"));
        question();
        assertThat(answer(request)).as("NO_DIRECT").isEqualTo("refused 010d");
    }

    @Test
    void malformedOrUnknownTargetsAreRefusedBeforeAnyQuestion() {
        start(Duration.ofSeconds(10));
        assertThat(answer(introduce(new byte[] {0x02, 0x00}))).as("empty name: MALFORMED").isEqualTo("refused 0103");
        assertThat(answer(introduce(new byte[] {0x02, 0x05, 'b'}))).as("short name: MALFORMED").isEqualTo("refused 0103");
        assertThat(answer(introduce(introduction("nobody")))).as("NO_SUCH_PLUGIN").isEqualTo("refused 0101");
        byte[] tooNew = ByteBuffer.allocate(5).put(introduction("b")).putShort((short) 2).array();
        assertThat(answer(introduce(tooNew))).as("VERSION_TOO_LOW, b has version 1").isEqualTo("refused 01020001");
        java.util.Optional<Ev> ev;
        while ((ev = b.poll(Duration.ofMillis(200))).isPresent()) {
            assertThat(ev.get().kind()).as("b was never asked").isNotEqualTo("opened");
        }
    }

    @Test
    void anInitiatorThatCancelsBeforeTheAnswerGetsNothingAndTheBusStaysUsable() {
        start(Duration.ofSeconds(10));
        Entity request = introduce(introduction("b"));
        Entity q = question();
        a.run(e -> e.cancel(request.readHalf().orElseThrow(), ByteBuffer.allocate(0)));
        b.run(e -> e.send(q.writeHalf().orElseThrow(), ByteBuffer.wrap(OFFER))); // the answer comes too late
        Entity again = introduce(introduction("b"));
        Entity q2 = question();
        b.run(e -> e.send(q2.writeHalf().orElseThrow(), ByteBuffer.wrap(OFFER)));
        assertThat(answer(again, request)).isEqualTo("data " + HEX.formatHex(OFFER));
        assertThat(bus.stats().violations()).isZero();
    }
}
