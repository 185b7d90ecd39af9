package io.minbus.identity;

import io.minbus.transport.TransportException;
import java.io.Serial;

/**
 * An encrypted connection received something that is not a valid box-stream: a header or body
 * that does not authenticate (altered in transit, or encrypted with another key), a header that
 * announces an oversized body, or an end of the connection without the encrypted goodbye (the data
 * may have been cut short). The connection is closed; nothing of the offending box was delivered.
 */
public final class BoxStreamException extends TransportException {

    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what was wrong and where
     */
    public BoxStreamException(String message) {
        super(message);
    }
}
