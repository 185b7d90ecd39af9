package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An end payload (close or cancel) on an established relay: the initiator's after it received the
 * acceptance, the target's always (docs/minbus.md §8.3, §9.4). Either the other plugin's own end
 * payload, relayed behind a {@code 00} byte, or the server's {@link ErrorPayload} (class {@code 01}:
 * the other plugin went away, a message was too large, shutdown).
 *
 * <pre>
 *  00 | the other plugin's end payload        relayed
 *  01 | code ...                              the server's (ErrorPayload)
 *  (empty)                                    ErrorPayload UNEXPECTED
 * </pre>
 *
 * <p>Before the initiator receives the acceptance, {@code 00} means {@link Reason#NO_RESOURCES}:
 * decode those with {@link ErrorPayload#decode(ByteBuffer)} instead.
 */
public sealed interface RelayEnd permits RelayEnd.Relayed, RelayEnd.FromServer {
    /** The prefix the server puts before a relayed end payload. */
    int RELAYED = 0x00;

    /** The end payload bytes. */
    ByteBuffer encode();

    /**
     * The other plugin's end payload, as it sent it.
     *
     * @param payload read-only
     */
    record Relayed(ByteBuffer payload) implements RelayEnd {
        public Relayed {
            Objects.requireNonNull(payload, "payload");
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
            payload = copy.asReadOnlyBuffer();
        }

        @Override
        public ByteBuffer payload() {
            return payload.duplicate();
        }

        @Override
        public ByteBuffer encode() {
            return new PayloadWriter(1 + payload.remaining()).u8(RELAYED).bytes(payload).done();
        }

        @Override
        public String toString() {
            return "relayed [" + Hex.of(payload) + "]";
        }
    }

    /**
     * The server's own reason.
     *
     * @param error never of class {@code 00}, which would read as a relayed end
     */
    record FromServer(ErrorPayload error) implements RelayEnd {
        public FromServer {
            Objects.requireNonNull(error, "error");
            if (error.reason().isResourceShortage()) {
                throw new IllegalArgumentException("on an established relay the server ends with class 01 or an"
                        + " empty payload, not " + error.reason() + " (00 would read as a relayed end)");
            }
        }

        @Override
        public ByteBuffer encode() {
            return error.encode();
        }
    }

    /**
     * The payload the server relays for a plugin's end payload {@code end}: {@code 00} + {@code end},
     * cut so that the whole fits in {@code maxFrame} bytes (§9.4).
     */
    static ByteBuffer relay(ByteBuffer end, int maxFrame) {
        if (maxFrame < 1) {
            throw new IllegalArgumentException("maxFrame " + maxFrame + " leaves no room for the 00 prefix");
        }
        ByteBuffer kept = end.duplicate();
        kept.limit(kept.position() + Math.min(kept.remaining(), maxFrame - 1));
        return new PayloadWriter(1 + kept.remaining()).u8(RELAYED).bytes(kept).done();
    }

    /**
     * Decodes an end payload on an established relay.
     *
     * @throws MalformedPayloadException on a first byte other than 00 or 01, or a malformed error
     */
    static RelayEnd decode(ByteBuffer payload) {
        if (payload.hasRemaining() && (payload.get(payload.position()) & 0xFF) == RELAYED) {
            return new Relayed(payload.duplicate().position(payload.position() + 1));
        }
        PayloadReader in = new PayloadReader("relay end", "9.4", payload);
        return new FromServer(ErrorPayload.read(in));
    }
}
