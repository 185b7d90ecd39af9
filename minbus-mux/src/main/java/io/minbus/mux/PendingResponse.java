package io.minbus.mux;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/** The response to a request we sent, on its way. Thread-safe. */
public final class PendingResponse {
    private final ReadEnd in;

    PendingResponse(ReadEnd in) {
        this.in = in;
    }

    /**
     * Waits for the response.
     *
     * @throws EndedException if the responder refused (its end payload is the reason)
     * @throws BrokenException if the session broke first
     */
    public ByteBuffer await() {
        return in.receive(0, true).orElseThrow();
    }

    /** The response, or empty if it did not come within {@code timeout}. */
    public Optional<ByteBuffer> await(Duration timeout) {
        return in.receive(End.deadline(timeout), false);
    }

    /** Says we no longer want the response, with an end payload the responder receives. */
    public void cancel(ByteBuffer reason) {
        in.cancel(reason);
    }

    /** Pings the responder; false if no pong came in time (the request is then cancelled). */
    public boolean ping(Duration timeout) {
        return in.ping(timeout);
    }

    @Override
    public String toString() {
        return "PendingResponse[" + in.half.entity() + "]";
    }
}
