package io.minbus.mux;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/** A request the peer sent: answer it once with {@link #respond} or refuse it with {@link #close}. */
public final class IncomingRequest implements Incoming {
    private final WriteEnd response;
    private final ByteBuffer request;

    IncomingRequest(WriteEnd response, ByteBuffer request) {
        this.response = response;
        this.request = request.asReadOnlyBuffer();
    }

    /** The request. */
    @Override
    public ByteBuffer opening() {
        return request.duplicate();
    }

    /**
     * Sends the response (consumed), waiting for credit; a large one goes out as a partial payload.
     *
     * @throws EndedException if the requester cancelled
     * @throws IllegalStateException if responded or refused before
     */
    public void respond(ByteBuffer message) {
        response.send(message, true);
    }

    /** Refuses to respond, with an end payload (an error) the requester receives. A no-op once cancelled. */
    public void close(ByteBuffer reason) {
        response.close(reason);
    }

    /** Pings the requester; false if no pong came in time. */
    public boolean ping(Duration timeout) {
        return response.ping(timeout);
    }

    /** The requester's end payload if it cancelled the request. */
    public Optional<ByteBuffer> cancelReason() {
        return response.cancelledReason();
    }

    @Override
    public String toString() {
        return "IncomingRequest[" + response.half.entity() + "]";
    }
}
