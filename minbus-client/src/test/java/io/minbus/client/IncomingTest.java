package io.minbus.client;

import static io.minbus.client.FakeBus.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.mux.Duplex;
import io.minbus.mux.EndedException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Incoming connections (docs/minbus.md §8.4, §8.5) against a scripted bus. */
@Timeout(30)
class IncomingTest {

    @Test
    void acceptSendsAZeroLengthFirstMessageAndTellsWhoConnects() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("kv", 3);
            Duplex d = f.openIncoming("caller", 2);
            IncomingConnection in = p.accept();
            assertThat(in.name()).isEqualTo("caller");
            assertThat(in.version()).isEqualTo(2);
            assertThat(in.isNameless()).isFalse();
            Channel ch = in.accept();
            assertThat(d.receive().remaining()).isZero();
            assertThat(ch.peerName()).isEqualTo("caller");
            assertThat(ch.peerVersion()).hasValue(2);
            d.send(text("hi"));
            assertThat(text(ch.receive())).isEqualTo("hi");
            ch.send(text("hello"));
            assertThat(text(d.receive())).isEqualTo("hello");
            assertThatThrownBy(in::accept).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(in::deny).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void denyClosesAndCancelsWithEmptyPayloads() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("kv", 3);
            Duplex d = f.openIncoming("", 7);
            IncomingConnection in = p.accept();
            assertThat(in.isNameless()).isTrue();
            assertThat(in.version()).isEqualTo(7);
            in.deny();
            in.deny(); // idempotent
            assertThatThrownBy(d::receive).isInstanceOfSatisfying(EndedException.class,
                    e -> assertThat(e.reason().remaining()).isZero());
            org.awaitility.Awaitility.await().until(() -> d.cancelReason().isPresent());
            assertThat(d.cancelReason().orElseThrow().remaining()).isZero();
        }
    }

    @Test
    void acceptingAfterTheInitiatorGaveUpSaysSo() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("kv", 3);
            Duplex d = f.openIncoming("caller", 1);
            IncomingConnection in = p.accept();
            d.cancel(FakeBus.relayed(""));
            d.close(FakeBus.relayed(""));
            org.awaitility.Awaitility.await().until(() -> {
                try {
                    in.accept().close();
                    return false;
                } catch (ChannelClosedException e) {
                    return true;
                } catch (IllegalStateException e) {
                    throw new AssertionError("the first accept went through although the initiator gave up", e);
                }
            });
        }
    }

    @Test
    void acceptWithTimeout() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("kv", 3);
            assertThat(p.accept(Duration.ofMillis(20))).isEmpty();
            f.openIncoming("caller", 1);
            assertThat(p.accept(FakeBus.WAIT)).isPresent();
        }
    }

    @Test
    void aHandlerServesEachConnectionOnItsOwnThreadAndClosesIt() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("echo", 1);
            Duplex early = f.openIncoming("early", 1); // queued before the handler exists
            p.onConnect(in -> !in.name().equals("nope"), ch -> {
                ByteBuffer m = ch.receive();
                ch.send(m);
            });
            Duplex denied = f.openIncoming("nope", 1);
            Duplex a = f.openIncoming("a", 1);
            Duplex b = f.openIncoming("b", 1);
            for (Duplex d : new Duplex[] {early, a, b}) {
                assertThat(d.receive().remaining()).isZero(); // accepted
            }
            // b before a: the handlers run concurrently
            b.send(text("bee"));
            a.send(text("ay"));
            early.send(text("first"));
            assertThat(text(b.receive())).isEqualTo("bee");
            assertThat(text(a.receive())).isEqualTo("ay");
            assertThat(text(early.receive())).isEqualTo("first");
            // the handler returned: the channel is closed with an empty reason
            assertThatThrownBy(a::receive).isInstanceOf(EndedException.class);
            assertThatThrownBy(denied::receive).isInstanceOf(EndedException.class);
            assertThatThrownBy(p::accept).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> p.onConnect(ch -> {})).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aHandlerGivenAnExecutorRunsOnItsThreads() throws Exception {
        ExecutorService platform = Executors.newCachedThreadPool(Thread.ofPlatform().name("handler-", 0).daemon().factory());
        try (FakeBus f = FakeBus.start(); platform) {
            Plugin p = f.registered("echo", 1);
            BlockingQueue<Thread> ranOn = new LinkedBlockingQueue<>();
            p.onConnect(in -> true, ch -> {
                ranOn.add(Thread.currentThread());
                ch.send(ch.receive());
            }, platform);
            Duplex a = f.openIncoming("a", 1);
            assertThat(a.receive().remaining()).isZero(); // accepted
            a.send(text("ay"));
            assertThat(text(a.receive())).isEqualTo("ay");
            Thread t = ranOn.poll(10, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.getName()).startsWith("handler-");
            assertThat(t.isVirtual()).isFalse();
            assertThatThrownBy(a::receive).isInstanceOf(EndedException.class); // closed when the handler returned
            assertThatThrownBy(() -> p.onConnect(in -> true, ch -> {}, platform)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aConnectionTheHandlersExecutorRefusesIsDenied() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("echo", 1);
            p.onConnect(in -> true, ch -> ch.send(ch.receive()), task -> {
                throw new RejectedExecutionException("no threads left");
            });
            Duplex refused = f.openIncoming("a", 1);
            assertThatThrownBy(refused::receive).isInstanceOfSatisfying(EndedException.class,
                    e -> assertThat(e.reason().remaining()).isZero());
        }
    }

    @Test
    void anExecutorThatThrowsSomethingElseDeniesThatConnectionAndTheNextOnesStillCome() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("echo", 1);
            ExecutorService platform = Executors.newCachedThreadPool();
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
            p.onConnect(in -> true, ch -> ch.send(ch.receive()), task -> {
                if (first.getAndSet(false)) {
                    throw new IllegalStateException("a broken executor");
                }
                platform.execute(task);
            });
            try (platform) {
                Duplex broken = f.openIncoming("a", 1);
                assertThatThrownBy(broken::receive).isInstanceOf(EndedException.class);
                Duplex next = f.openIncoming("b", 1); // the connection to the bus survived
                assertThat(next.receive().remaining()).isZero(); // accepted
                next.send(text("bee"));
                assertThat(text(next.receive())).isEqualTo("bee");
            }
        }
    }
}
