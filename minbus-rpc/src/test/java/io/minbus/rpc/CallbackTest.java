package io.minbus.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Interface-typed arguments and results are callbacks: the holder calls back into the owner. */
@Timeout(30)
class CallbackTest {

    /** A callback the caller passes. */
    public interface Progress {
        void update(int percent);

        String name();
    }

    /** A callback kept by the callee. */
    public interface Listener {
        @OneWay
        void event(String e);
    }

    /** A server-side object the client gets back as a result. */
    public interface Counter {
        int increment();
    }

    /** The server's service. */
    public interface Jobs {
        String run(String job, Progress progress);

        void subscribe(Listener listener);

        void publish(String event);

        Counter counter();

        int nested(Progress progress);
    }

    /** The client's service, which the server calls with its own callbacks. */
    public interface Client {
        int sum(Counter counter, int times);
    }

    static final class Server implements Jobs {
        final List<Listener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public String run(String job, Progress progress) {
            for (int p = 0; p <= 100; p += 25) {
                progress.update(p);
            }
            return job + " done for " + progress.name();
        }

        @Override
        public void subscribe(Listener listener) {
            listeners.add(listener);
        }

        @Override
        public void publish(String event) {
            listeners.forEach(l -> l.event(event));
        }

        @Override
        public Counter counter() {
            int[] n = {0};
            return () -> ++n[0];
        }

        @Override
        public int nested(Progress progress) {
            // calls back into the caller, whose callback calls this server again
            progress.update(1);
            Client client = RpcEndpoint.current().orElseThrow().proxy(Client.class);
            return client.sum(counter(), 3);
        }
    }

    private final Server server = new Server();
    private final Peers peers = new Peers(RpcNode.builder().instance("jobs", Jobs.class, r -> server).build(), false);

    @AfterEach
    void close() {
        peers.close();
    }

    private final Client clientImpl = (counter, times) -> {
        int last = 0;
        for (int i = 0; i < times; i++) {
            last = counter.increment();
        }
        return last;
    };

    private Jobs connect() {
        return peers.connect("jobs", new byte[0], RpcConfig.builder().serve(Client.class, clientImpl).build()).proxy(Jobs.class);
    }

    static final class Recorder implements Progress {
        final List<Integer> seen = new CopyOnWriteArrayList<>();

        @Override
        public void update(int percent) {
            seen.add(percent);
        }

        @Override
        public String name() {
            return "recorder";
        }
    }

    @Test
    void theCalleeCallsBackIntoTheCallersObject() {
        Jobs jobs = connect();
        Recorder r = new Recorder();
        assertThat(jobs.run("build", r)).isEqualTo("build done for recorder");
        assertThat(r.seen).containsExactly(0, 25, 50, 75, 100);
    }

    @Test
    void aKeptCallbackWorksAfterTheCallReturned() {
        Jobs jobs = connect();
        List<String> events = new CopyOnWriteArrayList<>();
        jobs.subscribe(events::add);
        jobs.publish("a");
        jobs.publish("b");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
        assertThat(events).containsExactly("a", "b");
    }

    @Test
    void anInterfaceResultIsARemoteObject() {
        Jobs jobs = connect();
        Counter c = jobs.counter();
        assertThat(c.increment()).isEqualTo(1);
        assertThat(c.increment()).isEqualTo(2);
        assertThat(jobs.counter().increment()).as("a fresh object").isEqualTo(1);
    }

    @Test
    void callbacksWorkInTheOtherDirectionAndNest() {
        Jobs jobs = connect();
        Recorder r = new Recorder();
        // server -> client.sum(serverCounter) -> server's counter, all while the client's call runs
        assertThat(jobs.nested(r)).isEqualTo(3);
        assertThat(r.seen).containsExactly(1);
    }

    @Test
    void manyCallsWithCallbacksAtOnce() throws Exception {
        Jobs jobs = connect();
        List<CompletableFuture<String>> runs = new ArrayList<>();
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Recorder r = new Recorder();
            recorders.add(r);
            String job = "job" + i;
            runs.add(CompletableFuture.supplyAsync(() -> jobs.run(job, r), java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        for (int i = 0; i < runs.size(); i++) {
            assertThat(runs.get(i).get(20, TimeUnit.SECONDS)).isEqualTo("job" + i + " done for recorder");
            assertThat(recorders.get(i).seen).containsExactly(0, 25, 50, 75, 100);
        }
    }

    @Test
    void aFailingCallbackFailsTheCallThatUsedIt() {
        Jobs jobs = connect();
        Progress failing = new Progress() {
            @Override
            public void update(int percent) {
                throw new UnsupportedOperationException("no progress for you");
            }

            @Override
            public String name() {
                return "failing";
            }
        };
        assertThatThrownBy(() -> jobs.run("x", failing)).isInstanceOf(RemoteException.class)
                .hasMessageContaining("io.minbus.rpc.RemoteException")
                .hasMessageContaining("java.lang.UnsupportedOperationException: no progress for you");
        assertThat(jobs.run("y", new Recorder())).as("the session goes on").isEqualTo("y done for recorder");
    }
}
