package io.minbus.transport.internal;

import io.minbus.transport.TransportException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Locale;

/** The messages of {@link TransportException}s: what happened, and what to do about it. */
final class Failures {

    private Failures() {}

    static TransportException closed(String description) {
        return new TransportException("cannot write to " + description + ": this transport is closed");
    }

    static TransportException outputShutDown(String description) {
        return new TransportException(
                "cannot write to " + description + ": its output was shut down (shutdownOutput)");
    }

    static TransportException peerClosed(String description) {
        return new TransportException(
                "cannot write to " + description + ": the peer closed the connection");
    }

    static TransportException readFailed(String description, IOException e) {
        return new TransportException("read from " + description + " failed: " + explain(e), e);
    }

    static TransportException writeFailed(String description, IOException e) {
        return new TransportException("write to " + description + " failed: " + explain(e), e);
    }

    static TransportException closedUnderneath(String description, String operation, IOException e) {
        return new TransportException(
                operation + " " + description + " failed: the channel was closed underneath the"
                        + " transport (by another party or by interrupting the thread); the transport is"
                        + " unusable now",
                e);
    }

    static TransportException interrupted(String description, String operation) {
        Thread.currentThread().interrupt();
        return new TransportException(
                operation + " " + description + " was interrupted",
                new InterruptedIOException("interrupted"));
    }

    /** The JDK's message, with a plain-words reading of the usual cases. */
    static String explain(IOException e) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("broken pipe") || lower.contains("connection reset")) {
            return "the peer closed the connection (" + message + ")";
        }
        return message;
    }
}
