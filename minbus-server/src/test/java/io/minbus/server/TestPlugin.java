package io.minbus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.mux.Duplex;
import io.minbus.mux.Incoming;
import io.minbus.mux.Session;
import io.minbus.mux.SessionConfig;
import io.minbus.mux.Stream;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.Event;
import io.minbus.protocol.IncomingConnection;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.transport.Transport;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A plugin for tests: a raw {@link Session} (no client SDK) over any transport, with the Min-Bus
 * payloads encoded by hand from {@code io.minbus.protocol}. Every wait is bounded by {@link #WAIT}.
 */
final class TestPlugin implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    final Session session;

    private TestPlugin(Session session) {
        this.session = session;
    }

    static TestPlugin over(Transport transport) {
        return over(transport, SessionConfig.builder().heartbeatInterval(Duration.ZERO).build());
    }

    static TestPlugin over(Transport transport, SessionConfig config) {
        return new TestPlugin(Session.start(transport, config));
    }

    /** Sends the registration and waits for the result. */
    RegistrationResult register(Registration registration) {
        session.send(registration.encode());
        return RegistrationResult.decode(session.receive(WAIT).orElseThrow(
                () -> new AssertionError("no registration result within " + WAIT)));
    }

    TestPlugin registered(String name, int version) {
        assertThat(register(Registration.named(name, version)).isAccepted()).as("registered " + name).isTrue();
        return this;
    }

    TestPlugin nameless() {
        assertThat(register(Registration.nameless(0)).isAccepted()).isTrue();
        return this;
    }

    PluginList query() {
        ByteBuffer response = session.request(ByteBuffer.allocate(0)).await(WAIT)
                .orElseThrow(() -> new AssertionError("no query response within " + WAIT));
        return PluginList.decode(response);
    }

    Stream watch() {
        return session.openStream(ByteBuffer.allocate(0));
    }

    static PluginList snapshot(Stream stream) {
        return PluginList.decode(next(stream));
    }

    static Event event(Stream stream) {
        return Event.decode(next(stream));
    }

    static ByteBuffer next(Stream stream) {
        return stream.receive(WAIT).orElseThrow(() -> new AssertionError("nothing on " + stream + " within " + WAIT));
    }

    static ByteBuffer next(Duplex duplex) {
        return duplex.receive(WAIT).orElseThrow(() -> new AssertionError("nothing on " + duplex + " within " + WAIT));
    }

    /** Opens a connect duplex; the acceptance or the refusal comes on it. */
    Duplex connect(ConnectRequest request) {
        return session.openDuplex(request.encode());
    }

    /** Connects and waits for the acceptance (a zero-length first message). */
    Duplex connected(String name) {
        Duplex d = connect(ConnectRequest.to(name));
        assertThat(next(d).remaining()).as("the acceptance is a zero-length message").isZero();
        return d;
    }

    /** Connects to {@code target} (the plugin registered as {@code name}), which accepts; returns the initiator's duplex. */
    Duplex connected0(String name, TestPlugin target) {
        Duplex d = connect(ConnectRequest.to(name));
        target.accept();
        assertThat(next(d).remaining()).as("the acceptance is a zero-length message").isZero();
        return d;
    }

    /** The next incoming connection (§8.4), not yet accepted. */
    Duplex incoming() {
        Incoming in = session.accept(WAIT).orElseThrow(() -> new AssertionError("no incoming connection within " + WAIT));
        assertThat(in).isInstanceOf(Duplex.class);
        return (Duplex) in;
    }

    static Registration initiator(Duplex incoming) {
        return IncomingConnection.decode(incoming.opening()).initiator();
    }

    /** Accepts the next incoming connection. */
    Duplex accept() {
        Duplex d = incoming();
        d.send(ByteBuffer.allocate(0));
        return d;
    }

    static ByteBuffer bytes(ErrorPayload error) {
        return error.encode();
    }

    static ByteBuffer bytes(Reason reason) {
        return ErrorPayload.of(reason).encode();
    }

    static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    @Override
    public void close() {
        session.close();
    }
}
