package io.minbus.client;

import static io.minbus.client.FakeBus.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.mux.IncomingRequest;
import io.minbus.mux.Sink;
import io.minbus.protocol.ErrorPayload;
import io.minbus.protocol.Event;
import io.minbus.protocol.PluginInfo;
import io.minbus.protocol.PluginList;
import io.minbus.protocol.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection query (§6) and the connection stream (§7) against a scripted bus. */
@Timeout(30)
class QueryAndWatchTest {
    static final PluginInfo KV = new PluginInfo("kv", 3);
    static final PluginInfo LOG = new PluginInfo("log", 1);

    @Test
    void listingRegistersANamelessClientFirst() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            CompletableFuture<List<PluginInfo>> list = f.async(f.client::plugins);
            f.answerNameless();
            IncomingRequest query = f.expectOpened(IncomingRequest.class);
            assertThat(query.opening().remaining()).isZero();
            query.respond(PluginList.of(KV, LOG).encode());
            assertThat(done(list)).containsExactly(KV, LOG);
            // registered once: the second query goes straight out
            list = f.async(f.client::plugins);
            f.expectOpened(IncomingRequest.class).respond(PluginList.of().encode());
            assertThat(done(list)).isEmpty();
        }
    }

    @Test
    void aRefusedQuerySaysWhy() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            CompletableFuture<List<PluginInfo>> list = f.async(f.client::plugins);
            f.expectOpened(IncomingRequest.class).close(ErrorPayload.of(Reason.NO_RESOURCES).encode());
            assertThatThrownBy(() -> done(list)).cause().isInstanceOf(MinBusException.class)
                    .hasMessageContaining("max_pending_queries");
        }
    }

    @Test
    void aWatchDeliversTheSnapshotThenEventsAndSkipsMalformedOnes() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            Watch w = f.client.watch();
            Sink events = f.expectOpened(Sink.class);
            assertThat(events.opening().remaining()).isZero();
            events.send(PluginList.of(KV).encode());
            events.send(Event.joined(LOG).encode());
            events.send(ByteBuffer.wrap(new byte[] {9, 1, 'x', 0, 0})); // unknown kind: reported, skipped
            events.send(Event.left(KV).encode());
            assertThat(w.next()).isEqualTo(new WatchEvent.Snapshot(List.of(KV)));
            assertThat(w.next()).isEqualTo(new WatchEvent.Joined(LOG));
            assertThat(w.next()).isEqualTo(new WatchEvent.Left(KV));
            assertThat(w.next(Duration.ofMillis(20))).isEmpty();
            assertThatThrownBy(f.client::watch).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
            w.close();
            org.awaitility.Awaitility.await().until(() -> events.cancelReason().isPresent());
            assertThatThrownBy(w::next).isInstanceOf(IllegalStateException.class);
            // one at a time: now another may be opened
            Watch again = f.client.watch();
            f.expectOpened(Sink.class).send(PluginList.of().encode());
            assertThat(again.next()).isEqualTo(new WatchEvent.Snapshot(List.of()));
            again.close();
        }
    }

    @Test
    void aBacklogOverflowEndsTheWatchWithAHint() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            Watch w = f.client.watch();
            Sink events = f.expectOpened(Sink.class);
            events.send(PluginList.of().encode());
            events.close(ErrorPayload.of(Reason.WATCH_BACKLOG).encode());
            assertThat(w.next()).isInstanceOf(WatchEvent.Snapshot.class);
            assertThatThrownBy(w::next).isInstanceOf(WatchBacklogException.class).hasMessageContaining("open a new watch");
            // the bus ended it, so another may be opened even before this one is closed
            Watch again = f.client.watch();
            again.close();
            w.close();
        }
    }

    @Test
    void theListenerVariantDeliversInOrderAndReportsTheEnd() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            List<WatchEvent> seen = new CopyOnWriteArrayList<>();
            LinkedBlockingQueue<MinBusException> failures = new LinkedBlockingQueue<>();
            Watch w = f.client.watch(seen::add, failures::add);
            Sink events = f.expectOpened(Sink.class);
            events.send(PluginList.of(KV).encode());
            events.send(Event.joined(LOG).encode());
            events.close(ErrorPayload.of(Reason.WATCH_BACKLOG).encode());
            assertThat(failures.poll(10, TimeUnit.SECONDS)).isInstanceOf(WatchBacklogException.class);
            assertThat(seen).containsExactly(new WatchEvent.Snapshot(List.of(KV)), new WatchEvent.Joined(LOG));
            w.close();
        }
    }

    @Test
    void closingAListenerWatchReportsNoFailure() throws Exception {
        try (FakeBus f = FakeBus.start()) {
            f.registered("me", 1);
            LinkedBlockingQueue<WatchEvent> seen = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<MinBusException> failures = new LinkedBlockingQueue<>();
            Watch w = f.client.watch(seen::add, failures::add);
            Sink events = f.expectOpened(Sink.class);
            events.send(PluginList.of().encode());
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(new WatchEvent.Snapshot(List.of()));
            w.close();
            org.awaitility.Awaitility.await().until(() -> events.cancelReason().isPresent());
            assertThat(failures).isEmpty();
        }
    }
}
