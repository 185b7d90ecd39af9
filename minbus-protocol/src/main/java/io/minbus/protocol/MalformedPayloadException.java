package io.minbus.protocol;

/**
 * A Min-Bus payload does not parse. Raised by the decoders of this package; it is a report about the
 * sender, never a bug of the receiver. The server answers a malformed registration or connect with
 * {@link Reason#MALFORMED} ({@code docs/minbus.md} §4.2, §8.2); a client reports a malformed payload
 * from the server and ignores it. The message names the payload, the rule and the bytes seen.
 */
public final class MalformedPayloadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String payload;

    MalformedPayloadException(String payload, String section, String problem, String hex) {
        super("malformed " + payload + " payload (docs/minbus.md §" + section + "): " + problem
                + "; bytes: [" + hex + "]; the payload is rejected, fix its sender");
        this.payload = payload;
    }

    /** Which kind of payload was malformed, e.g. {@code "registration"} or {@code "connect"}. */
    public String payload() {
        return payload;
    }
}
