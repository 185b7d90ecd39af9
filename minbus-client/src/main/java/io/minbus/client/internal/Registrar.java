package io.minbus.client.internal;

import io.minbus.client.BusGoneException;
import io.minbus.client.MinBusException;
import io.minbus.mux.BrokenException;
import io.minbus.mux.EndedException;
import io.minbus.mux.Session;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The registration exchange (docs/minbus.md §4): the registration message on the top level, then the
 * bus's result, a top-level message it can send because the session granted top-level credit when
 * it started (§3). On any failure the session is closed.
 */
final class Registrar {
    private Registrar() {}

    /**
     * Registers and waits for the result.
     *
     * @throws io.minbus.client.RegistrationRefusedException if refused (typed by reason)
     * @throws BusGoneException if the bus closed the connection without a result
     * @throws MinBusException if the bus answered nothing in time, or nonsense
     */
    static void register(Session session, Registration registration, String bus, Duration answerTimeout) {
        String who = registration.isNameless() ? "a nameless client" : "\"" + registration.name() + "\"";
        ByteBuffer answer;
        try {
            session.send(registration.encode());
            answer = session.receive(answerTimeout).orElse(null);
        } catch (BrokenException e) {
            throw new BusGoneException("the bus at " + bus + " closed the connection before answering the"
                    + " registration of " + who + ": " + e.getMessage(), e);
        } catch (EndedException e) {
            session.close();
            throw new MinBusException("the bus at " + bus + " closed its top level instead of answering the"
                    + " registration of " + who + "; it does not follow docs/minbus.md §4", e);
        }
        if (answer == null) {
            session.close();
            throw new MinBusException("the bus at " + bus + " did not answer the registration of " + who
                    + " within " + answerTimeout.toMillis() + " ms; is it overloaded? The connection is closed");
        }
        RegistrationResult result;
        try {
            result = RegistrationResult.decode(answer);
        } catch (MalformedPayloadException e) {
            session.close();
            throw new MinBusException("the bus at " + bus + " answered the registration of " + who
                    + " with a malformed result: " + e.getMessage(), e);
        }
        if (result.refusal().isPresent()) {
            session.close();
            throw Failures.registrationRefused(registration, result.refusal().get().reason(), bus);
        }
        ClientConnection.LOG.log(Level.DEBUG, () -> "registered " + who + " on " + bus);
    }
}
