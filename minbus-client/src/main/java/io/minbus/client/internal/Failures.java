package io.minbus.client.internal;

import io.minbus.client.ConnectionRefusedException;
import io.minbus.client.NameTakenException;
import io.minbus.client.NoSuchPluginException;
import io.minbus.client.RegistrationRefusedException;
import io.minbus.client.VersionTooLowException;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.MalformedPayloadException;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import java.nio.ByteBuffer;

/** The typed exceptions for the bus's refusals (docs/minbus.md §2), with messages saying what to do. */
final class Failures {
    private Failures() {}

    /** Decodes a server's error payload; a malformed one reads as a plain refusal. */
    static ErrorPayload errorPayload(ByteBuffer payload) {
        try {
            return ErrorPayload.decode(payload);
        } catch (MalformedPayloadException e) {
            ClientConnection.LOG.log(System.Logger.Level.WARNING, "minbus client: " + e.getMessage());
            return ErrorPayload.of(Reason.REFUSED);
        }
    }

    static RegistrationRefusedException registrationRefused(Registration registration, Reason reason, String bus) {
        String name = registration.name();
        String who = registration.isNameless() ? "a nameless client" : "\"" + name + "\"";
        return switch (reason) {
            case NAME_TAKEN -> new NameTakenException(name, "the name \"" + name + "\" is taken: another connection"
                    + " to the bus at " + bus + " holds it. Choose another name or stop the other holder (a plugin"
                    + " that just crashed frees its name once the bus notices: at once for a closed socket, after the"
                    + " heartbeat timeout otherwise)");
            case PROCESS_NAME_LIMIT -> new RegistrationRefusedException(name, reason, "the bus at " + bus
                    + " refused " + who + ": this process (or, where the bus cannot tell processes apart, this"
                    + " user) already holds as many names as the bus allows (max_names_per_process); close other"
                    + " connections, or raise the limit (minbus serve --max-names-per-process N)");
            case REGISTRATION_TIMEOUT -> new RegistrationRefusedException(name, reason, "the bus at " + bus
                    + " refused " + who + ": the registration came after its registration_timeout; register right"
                    + " after connecting");
            case MALFORMED -> new RegistrationRefusedException(name, reason, "the bus at " + bus + " refused the"
                    + " registration of " + who + " as malformed; this is a bug of the client or the bus, please"
                    + " report it");
            case NOT_PERMITTED -> new RegistrationRefusedException(name, reason, "the bus at " + bus
                    + " refused " + who + " (not permitted, 01 0c): it admits processes of its own user on its Unix"
                    + " socket, and others only with a proven key (docs/minbus.md §18); run the plugin as the bus's"
                    + " user, or connect over net:HOST:PORT~shs:KEY");
            default -> new RegistrationRefusedException(name, reason, "the bus at " + bus + " refused the"
                    + " registration of " + who + " (" + reason + ")");
        };
    }

    static ConnectionRefusedException connectRefused(ConnectRequest request, ErrorPayload error, String bus) {
        String target = request.name();
        String quoted = "\"" + target + "\"";
        Reason reason = error.reason();
        return switch (reason) {
            case NO_SUCH_PLUGIN -> new NoSuchPluginException(target, "no plugin named " + quoted + " is registered"
                    + " on the bus at " + bus + " (minbus ls lists them); start it, or check the name");
            case VERSION_TOO_LOW -> {
                int has = error.targetVersion().orElseThrow();
                int min = request.minVersion().orElse(0);
                yield new VersionTooLowException(target, has, min, quoted + " has version " + has + ", below the"
                        + " minimum " + min + " asked for; upgrade it, or accept an older version");
            }
            case REFUSED -> new ConnectionRefusedException(target, reason, quoted + " denied the connection");
            case UNEXPECTED -> new ConnectionRefusedException(target, reason, "the bus at " + bus + " refused the"
                    + " connection to " + quoted + ": a connection from this MinBus to it is still open (one at a"
                    + " time per pair, docs/minbus.md §8.6); close that channel first, or connect from another MinBus");
            case RELAY_LIMIT -> new ConnectionRefusedException(target, reason, "the bus at " + bus + " refused the"
                    + " connection to " + quoted + ": this connection already takes part in as many channels as the"
                    + " bus allows (max_relays_per_plugin); close some channels and try again");
            case TARGET_RELAY_LIMIT -> new ConnectionRefusedException(target, reason, "the bus at " + bus
                    + " refused the connection: " + quoted + " already takes part in as many channels as it can;"
                    + " try again later");
            case NO_RESOURCES -> new ConnectionRefusedException(target, reason, "the bus at " + bus + " refused the"
                    + " connection to " + quoted + ": it has no relay memory left (relay_memory); try again later");
            case MALFORMED -> new ConnectionRefusedException(target, reason, "the bus at " + bus + " refused the"
                    + " connection to " + quoted + " as malformed; this is a bug of the client or the bus, please"
                    + " report it");
            case SHUTDOWN -> new ConnectionRefusedException(target, reason, "the bus at " + bus + " is shutting"
                    + " down; the connection to " + quoted + " was not made");
            default -> new ConnectionRefusedException(target, reason, "the bus at " + bus + " refused the"
                    + " connection to " + quoted + " (" + error + ")");
        };
    }

    /** Why the bus broke an established channel, in words. */
    static String broken(Reason reason, String peer) {
        return switch (reason) {
            case REFUSED -> peer + " went away (its connection to the bus ended)";
            case SHUTDOWN -> "the bus is shutting down";
            case MESSAGE_TOO_LARGE -> "a message was larger than the receiving plugin accepts (its max_message);"
                    + " send smaller messages";
            default -> "the bus ended it (" + reason + ")";
        };
    }
}
