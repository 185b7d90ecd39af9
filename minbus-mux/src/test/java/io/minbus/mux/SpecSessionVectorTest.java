package io.minbus.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.minbus.wire.Limits;
import io.minbus.wire.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Replays every {@code vectors session} block of docs/protocol.md §12.4 against a fresh engine
 * configured as §12.4 says: we declared max_frame 1024, max_message 4096, max_entities 2, and granted
 * 16 bytes of top-level credit.
 */
@Timeout(30)
class SpecSessionVectorTest {

    @Test
    void theSpecHasSessionVectors() {
        assertThat(SpecSessionVectors.read()).hasSizeGreaterThanOrEqualTo(25);
    }

    @TestFactory
    Stream<DynamicTest> sessionVectors() {
        return SpecSessionVectors.read().stream()
                .map(b -> DynamicTest.dynamicTest(b.name(), () -> replay(b)));
    }

    static void replay(SpecSessionVectors.Block block) {
        Recorder events = new Recorder();
        MuxEngine engine = new MuxEngine(new Limits(1024, 4096, 2), Limits.defaults(), 64 * 1024, events, "E");
        engine.grant(engine.top().readHalf().orElseThrow(), 16);
        assertThat(SpecSessionVectors.hex(drain(engine))).isEqualTo("88 00 10");
        ArrayDeque<Byte> sent = new ArrayDeque<>();
        ProtocolViolationException violation = null;
        List<String> lines = block.lines();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String arg = line.substring(2).strip();
            String where = block.name() + " line " + (i + 1) + " `" + line + "`";
            if (violation != null && !line.startsWith("!!")) {
                fail(where + ": the engine raised " + violation.getMessage());
            }
            switch (line.substring(0, 2)) {
                case "<<" -> {
                    try {
                        engine.receive(ByteBuffer.wrap(SpecSessionVectors.hex(arg)));
                        for (byte b : drain(engine)) {
                            sent.add(b);
                        }
                    } catch (ProtocolViolationException e) {
                        violation = e;
                    }
                }
                case ">>" -> {
                    byte[] want = SpecSessionVectors.hex(arg);
                    byte[] got = new byte[Math.min(want.length, sent.size())];
                    for (int k = 0; k < got.length; k++) {
                        got[k] = sent.poll();
                    }
                    assertThat(SpecSessionVectors.hex(got)).as(where).isEqualTo(arg);
                }
                case "!!" -> {
                    assertThat(violation).as(where + ": expected a violation").isNotNull();
                    assertThat(violation.violation().name()).as(where).isEqualTo(arg);
                    violation = null;
                }
                case "==" -> assertThat(events.next()).as(where).isEqualTo(arg);
                default -> fail(where + ": unknown line");
            }
        }
        if (violation != null) {
            fail(block.name() + ": unexpected violation " + violation.getMessage());
        }
        assertThat(sent).as(block.name() + ": bytes E sent that the block does not list").isEmpty();
        assertThat(events.pending).as(block.name() + ": events the block does not list").isEmpty();
    }

    static byte[] drain(MuxEngine engine) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (engine.hasOutput()) {
            ByteBuffer b = engine.output();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    /** Maps engine events to the text form of §12.4. */
    static final class Recorder implements MuxListener {
        final ArrayDeque<String> pending = new ArrayDeque<>();
        private final Map<Half, java.io.ByteArrayOutputStream> partial = new HashMap<>();

        String next() {
            return pending.isEmpty() ? "(no event)" : pending.poll();
        }

        @Override
        public void opened(Entity entity, ByteBuffer opening) {
            String what = entity.kind() == EntityKind.REQUEST ? "" : "open ";
            pending.add(what + name(entity) + " " + quote(opening));
        }

        @Override
        public void data(Half half, ByteBuffer fragment, long total, boolean first, boolean last) {
            java.io.ByteArrayOutputStream m = partial.computeIfAbsent(half, h -> new java.io.ByteArrayOutputStream());
            byte[] a = new byte[fragment.remaining()];
            fragment.get(a);
            m.writeBytes(a);
            if (last) {
                partial.remove(half);
                String kind = half.entity().kind() == EntityKind.REQUEST ? "response " : "message ";
                pending.add(kind + name(half.entity()) + " " + quote(ByteBuffer.wrap(m.toByteArray())));
            }
        }

        @Override
        public void closed(Half half, ByteBuffer reason) {
            partial.remove(half); // an aborted partial payload is never delivered
            pending.add("closed " + name(half.entity()) + " " + quote(reason));
        }

        @Override
        public void cancelled(Half half, ByteBuffer reason) {
            pending.add("cancelled " + name(half.entity()) + " " + quote(reason));
        }

        static String name(Entity e) {
            return e.kind() == EntityKind.TOP ? "top" : e.kind().label() + "#" + e.id();
        }

        static String quote(ByteBuffer b) {
            StringBuilder sb = new StringBuilder("\"");
            while (b.hasRemaining()) {
                int c = b.get() & 0xff;
                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                    sb.append((char) c);
                } else {
                    sb.append(String.format("\\x%02x", c));
                }
            }
            return sb.append('"').toString();
        }
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
