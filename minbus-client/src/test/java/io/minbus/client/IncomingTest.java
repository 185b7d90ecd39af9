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
import java.util.function.Consumer;
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
    void theFirstHandlersRunOnPlatformThreadsUpToTheProcesssBudgetAndTheOthersOnVirtualOnes() throws Exception {
        awaitEveryPlatformHandlerFree(); // earlier tests' handlers end after their channels
        int budget = io.minbus.client.internal.ClientConnection.platformHandlerBudget()[1];
        assertThat(budget).as("the default budget: the JVM's processors")
                .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try (FakeBus f = FakeBus.start()) {
            Plugin p = f.registered("echo", 1);
            java.util.Map<String, Thread> ranOn = new java.util.concurrent.ConcurrentHashMap<>();
            p.onConnect(ch -> {
                ranOn.put(ch.peerName(), Thread.currentThread());
                ch.send(ch.receive());
            });
            java.util.List<Duplex> callers = new java.util.ArrayList<>();
            for (int i = 1; i <= budget + 1; i++) { // one at a time: each handler starts before the next connection
                Duplex d = f.openIncoming("a" + i, 1);
                assertThat(d.receive().remaining()).isZero(); // accepted, by the handler's thread
                callers.add(d);
            }
            org.awaitility.Awaitility.await().until(() -> ranOn.size() == budget + 1);
            for (int i = 1; i <= budget; i++) {
                Thread t = ranOn.get("a" + i);
                assertThat(t.isVirtual()).as("handler %d", i).isFalse();
                assertThat(t.getName()).isEqualTo("minbus-echo-from-a" + i);
            }
            Thread beyond = ranOn.get("a" + (budget + 1));
            assertThat(beyond.isVirtual()).isTrue();
            assertThat(beyond.getName()).isEqualTo("minbus-echo-from-a" + (budget + 1));

            // a handler that returns gives its platform thread back, to the next connection
            Thread first = ranOn.get("a1");
            callers.get(0).send(text("one"));
            assertThat(text(callers.get(0).receive())).isEqualTo("one");
            org.awaitility.Awaitility.await().until(() -> !first.getName().equals("minbus-echo-from-a1"));
            Duplex next = f.openIncoming("next", 1);
            assertThat(next.receive().remaining()).isZero();
            org.awaitility.Awaitility.await().until(() -> ranOn.containsKey("next"));
            assertThat(ranOn.get("next").isVirtual()).isFalse();
            for (int i = 1; i < callers.size(); i++) { // every handler, on either kind of thread, serves its channel
                callers.get(i).send(text("x" + i));
                assertThat(text(callers.get(i).receive())).isEqualTo("x" + i);
            }
            next.send(text("next"));
            assertThat(text(next.receive())).isEqualTo("next");
        }
    }

    @Test
    void aConnectionsOwnLimitAndTheProcesssBudgetBothBoundThePlatformHandlers() throws Exception {
        awaitEveryPlatformHandlerFree();
        int budget = io.minbus.client.internal.ClientConnection.platformHandlerBudget()[1];
        try (FakeBus one = FakeBus.start(b -> b.platformHandlers(1)); FakeBus other = FakeBus.start()) {
            java.util.Map<String, Thread> ranOn = new java.util.concurrent.ConcurrentHashMap<>();
            Consumer<Channel> echo = ch -> {
                ranOn.put(ch.peerName(), Thread.currentThread());
                ch.send(ch.receive());
            };
            one.registered("one", 1).onConnect(echo);
            other.registered("other", 1).onConnect(echo);
            java.util.List<Duplex> callers = new java.util.ArrayList<>();
            for (String name : java.util.List.of("o1", "o2")) { // o1 takes the connection's only platform thread
                Duplex d = one.openIncoming(name, 1);
                assertThat(d.receive().remaining()).isZero();
                callers.add(d);
            }
            for (int i = 1; i <= budget; i++) { // the other connection gets what is left of the budget
                Duplex d = other.openIncoming("t" + i, 1);
                assertThat(d.receive().remaining()).isZero();
                callers.add(d);
            }
            org.awaitility.Awaitility.await().until(() -> ranOn.size() == budget + 2);
            assertThat(ranOn.get("o1").isVirtual()).isFalse();
            assertThat(ranOn.get("o2").isVirtual()).as("over the connection's limit").isTrue();
            for (int i = 1; i < budget; i++) {
                assertThat(ranOn.get("t" + i).isVirtual()).as("t%d", i).isFalse();
            }
            assertThat(ranOn.get("t" + budget).isVirtual()).as("over the process's budget").isTrue();
            assertThat(io.minbus.client.internal.ClientConnection.platformHandlerBudget()[0]).isZero();
            for (Duplex d : callers) {
                d.send(text("x"));
                assertThat(text(d.receive())).isEqualTo("x");
            }
        }
        awaitEveryPlatformHandlerFree(); // every handler returned: the budget is whole again
    }

    private static void awaitEveryPlatformHandlerFree() {
        org.awaitility.Awaitility.await().until(() -> {
            int[] budget = io.minbus.client.internal.ClientConnection.platformHandlerBudget();
            return budget[0] == budget[1];
        });
    }

    @Test
    void withNoPlatformHandlersEveryHandlerRunsOnAVirtualThread() throws Exception {
        try (FakeBus f = FakeBus.start(b -> b.platformHandlers(0))) {
            Plugin p = f.registered("echo", 1);
            BlockingQueue<Thread> ranOn = new LinkedBlockingQueue<>();
            p.onConnect(ch -> {
                ranOn.add(Thread.currentThread());
                ch.send(ch.receive());
            });
            Duplex a = f.openIncoming("a", 1);
            assertThat(a.receive().remaining()).isZero();
            a.send(text("ay"));
            assertThat(text(a.receive())).isEqualTo("ay");
            Thread t = ranOn.poll(10, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.isVirtual()).isTrue();
        }
    }

    @Test
    void aNegativeNumberOfPlatformHandlersIsRefused() {
        assertThatThrownBy(() -> MinBus.builder().platformHandlers(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 or more, not -1");
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
