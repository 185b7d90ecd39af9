package io.minbus.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.minbus.mux.Duplex;
import io.minbus.mux.Incoming;
import io.minbus.mux.Session;
import io.minbus.mux.SessionConfig;
import io.minbus.protocol.ConnectRequest;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.IncomingConnection;
import io.minbus.protocol.Reason;
import io.minbus.protocol.Registration;
import io.minbus.protocol.RegistrationResult;
import io.minbus.transport.PeerCredentials;
import io.minbus.transport.Transport;
import io.minbus.transport.Transports;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A scripted bus for unit tests: a raw session on the other end of an in-memory transport, driven
 * step by step by the test ("expect a registration, answer it, expect a connect, refuse it").
 */
final class FakeBus implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    final Session bus;
    final MinBus client;
    final Freezable busTransport;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    private FakeBus(Session bus, MinBus client, Freezable busTransport) {
        this.bus = bus;
        this.client = client;
        this.busTransport = busTransport;
    }

    static FakeBus start() throws Exception {
        return start(SessionConfig.builder().name("client").build(), SessionConfig.builder().name("fake-bus").build());
    }

    static FakeBus start(SessionConfig clientConfig, SessionConfig busConfig) throws Exception {
        return start(clientConfig, busConfig, b -> b);
    }

    /** With client options on top of the defaults. */
    static FakeBus start(java.util.function.UnaryOperator<MinBus.Builder> options) throws Exception {
        return start(SessionConfig.builder().name("client").build(), SessionConfig.builder().name("fake-bus").build(), options);
    }

    static FakeBus start(SessionConfig clientConfig, SessionConfig busConfig,
            java.util.function.UnaryOperator<MinBus.Builder> options) throws Exception {
        Transport[] pair = Transports.inMemoryPair(4096);
        Freezable busSide = new Freezable(pair[1]);
        CompletableFuture<Session> bus = CompletableFuture.supplyAsync(() -> Session.start(busSide, busConfig));
        MinBus client = options.apply(MinBus.builder().transport(pair[0]).session(clientConfig)).connect();
        return new FakeBus(bus.get(10, TimeUnit.SECONDS), client, busSide);
    }

    <T> CompletableFuture<T> async(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        pool.submit(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    static <T> T done(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** The client's next top-level message, decoded as a registration. */
    Registration expectRegistration() {
        return Registration.decode(bus.receive(WAIT).orElseThrow(() -> new AssertionError("no registration")));
    }

    void answerRegistered() {
        bus.send(RegistrationResult.accepted().encode());
    }

    /** Registers the client under {@code name} (the fake answers "registered"). */
    Plugin registered(String name, int version) throws Exception {
        CompletableFuture<Plugin> p = async(() -> client.register(name, version));
        assertThat(expectRegistration()).isEqualTo(Registration.named(name, version));
        answerRegistered();
        return done(p);
    }

    /** Answers the nameless registration the client sends on its first query, watch or connect. */
    void answerNameless() {
        assertThat(expectRegistration()).isEqualTo(Registration.nameless(0));
        answerRegistered();
    }

    <T extends Incoming> T expectOpened(Class<T> type) {
        Incoming in = bus.accept(WAIT).orElseThrow(() -> new AssertionError("nothing opened"));
        assertThat(in).isInstanceOf(type);
        return type.cast(in);
    }

    /** Expects a connect duplex and checks its payload. */
    Duplex expectConnect(ConnectRequest request) {
        Duplex d = expectOpened(Duplex.class);
        assertThat(ConnectRequest.decode(d.opening())).isEqualTo(request);
        return d;
    }

    /** Refuses a connect duplex the way the server does: close and cancel with the error payload. */
    static void refuse(Duplex d, ErrorPayload error) {
        d.close(error.encode());
        d.cancel(error.encode());
    }

    static void refuse(Duplex d, Reason reason) {
        refuse(d, ErrorPayload.of(reason));
    }

    /** Opens an incoming connection to the client as the server would. */
    Duplex openIncoming(String name, int version) {
        return bus.openDuplex(new IncomingConnection(new Registration(name, version)).encode());
    }

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    /** {@code 00} + text: how the server relays a plugin's end payload. */
    static ByteBuffer relayed(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + b.length);
        out.put((byte) 0).put(b).flip();
        return out;
    }

    @Override
    public void close() {
        client.close();
        bus.close();
        pool.shutdownNow();
    }

    /** A transport whose writes can be swallowed from some point on: a bus that stops answering. */
    static final class Freezable implements Transport {
        private final Transport inner;
        private volatile boolean frozen;

        Freezable(Transport inner) {
            this.inner = inner;
        }

        void freeze() {
            frozen = true;
        }

        @Override
        public int read(ByteBuffer dst) {
            return inner.read(dst);
        }

        @Override
        public void write(ByteBuffer... srcs) {
            if (frozen) {
                for (ByteBuffer b : srcs) {
                    b.position(b.limit());
                }
                return;
            }
            inner.write(srcs);
        }

        @Override
        public void shutdownOutput() {
            inner.shutdownOutput();
        }

        @Override
        public String description() {
            return inner.description();
        }

        @Override
        public Optional<SocketChannel> socketChannel() {
            return Optional.empty();
        }

        @Override
        public Optional<PeerCredentials> peerCredentials() {
            return Optional.empty();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
