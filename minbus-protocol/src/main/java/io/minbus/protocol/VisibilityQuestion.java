package io.minbus.protocol;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The question the server asks a plugin registered with {@link Visibility#EXPLICIT}: may this
 * requester see you? (docs/minbus.md §18.7). It is the opening payload of a request the server
 * opens on the plugin's connection; the response is a {@link VisibilityAnswer}.
 *
 * <pre>
 *  offset  size  field
 *  0       1     kind   00 = visibility question
 *  1       1     flag   00 = the requester is one of the bus's trusted plugins (no key),
 *                       01 = a peer; its key follows
 *  2       32    key    if flag 01: the peer's proven ed25519 public key
 * </pre>
 *
 * <p>Decoding is tolerant of trailing bytes (it comes from the server).
 *
 * @param requesterKey standard base64 of the peer's 32-byte key; empty for the bus's trusted plugins
 */
public record VisibilityQuestion(Optional<String> requesterKey) {
    private static final String WHAT = "visibility question";
    private static final String SECTION = "18.7";
    /** The kind byte of a visibility question. */
    public static final int KIND = 0x00;

    public VisibilityQuestion {
        Objects.requireNonNull(requesterKey, "requesterKey");
        requesterKey.ifPresent(KeyedEvent::checkKey);
    }

    /** The question about the bus's trusted plugins. */
    public static VisibilityQuestion trusted() {
        return new VisibilityQuestion(Optional.empty());
    }

    /** The question about the peer that proved {@code base64Key}. */
    public static VisibilityQuestion peer(String base64Key) {
        return new VisibilityQuestion(Optional.of(base64Key));
    }

    /** The opening payload. */
    public ByteBuffer encode() {
        byte[] k = requesterKey.map(b -> Base64.getDecoder().decode(b)).orElse(new byte[0]);
        return new PayloadWriter(2 + k.length).u8(KIND).u8(requesterKey.isPresent() ? 1 : 0).bytes(k).done();
    }

    /**
     * Decodes a question tolerantly.
     *
     * @throws MalformedPayloadException on another kind, a flag other than 00/01, a cut-short key
     */
    public static VisibilityQuestion decode(ByteBuffer payload) {
        PayloadReader in = new PayloadReader(WHAT, SECTION, payload);
        in.kind(KIND, "visibility question");
        return new VisibilityQuestion(KeyedPluginList.readKey(in));
    }

    @Override
    public String toString() {
        return "question " + requesterKey.map(k -> "key " + k).orElse("trusted");
    }
}
