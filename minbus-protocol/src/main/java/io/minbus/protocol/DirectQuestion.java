package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The bus asks a target whether it takes a direct connection from an initiator (docs/minbus.md
 * §19.3): the opening payload of a request the server opens on the target's connection. The
 * response is a {@link DirectOffer}; a target that declines refuses the request.
 *
 * <pre>
 *  offset  size  field
 *  0       1     kind       01 = direct question (00 is the visibility question, §18.7)
 *  1       3+n   tuple      the initiator's name and version; n = 0 for a nameless client
 *  4+n     1     flag       00 = no key, 01 = the initiator's proven key follows
 *  5+n     32    key        if flag 01
 * </pre>
 *
 * <p>Decoded tolerantly (it comes from the server): bytes after the fields are ignored.
 *
 * @param initiator    the initiator's name ("" if nameless) and version
 * @param initiatorKey standard base64 of the key the initiator proved (§18.5), if any
 */
public record DirectQuestion(Registration initiator, Optional<String> initiatorKey) {
    private static final String WHAT = "direct question";
    private static final String SECTION = "19.3";
    /** The kind byte. */
    public static final int KIND = 0x01;

    public DirectQuestion {
        Objects.requireNonNull(initiator, "initiator");
        Objects.requireNonNull(initiatorKey, "initiatorKey");
        initiatorKey.ifPresent(KeyedEvent::checkKey);
    }

    /** True if a request's opening payload from the server is a direct question (first byte {@code 01}). */
    public static boolean isDirectQuestion(ByteBuffer openingPayload) {
        return openingPayload.hasRemaining() && openingPayload.get(openingPayload.position()) == KIND;
    }

    /** The opening payload. */
    public ByteBuffer encode() {
        ByteBuffer tuple = new Registration(initiator.name(), initiator.version()).encode();
        byte[] key = initiatorKey.map(k -> Base64.getDecoder().decode(k)).orElse(new byte[0]);
        return new PayloadWriter(2 + tuple.remaining() + key.length).u8(KIND).bytes(tuple)
                .u8(initiatorKey.isPresent() ? 1 : 0).bytes(key).done();
    }

    /**
     * Decodes tolerantly.
     *
     * @throws MalformedPayloadException on another kind, a cut-short tuple or key, a flag other than 00/01
     */
    public static DirectQuestion decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        in.kind(KIND, "direct question");
        PayloadReader.Tuple t = in.tuple(true);
        Registration initiator = t.name().isEmpty() ? Registration.nameless(t.version())
                : Registration.named(t.name(), t.version());
        return new DirectQuestion(initiator, KeyedPluginList.readKey(in));
    }

    @Override
    public String toString() {
        return "direct-question " + (initiator.isNameless() ? "nameless " + initiator.version()
                : "\"" + initiator.name() + "\" " + initiator.version()) + initiatorKey.map(k -> " key " + k).orElse("");
    }
}
