package io.minbus.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite over a Unix domain socket whose reads are polled ({@link
 * Transport#startPolling}: a non-blocking channel and selectors), plus what polling adds: a time
 * limit, a wake-up, and interrupts that leave the socket open.
 */
class PolledUnixSocketTransportTest extends UnixSocketTransportTest {

    @Override
    protected Pair connect() {
        Pair pair = super.connect();
        assertThat(pair.a().startPolling()).isTrue();
        assertThat(pair.b().startPolling()).isTrue();
        assertThat(pair.a().startPolling()).as("idempotent").isTrue();
        return pair;
    }

    @Override
    protected boolean hasSocketChannel() {
        return false; // a polled transport keeps its channel to itself (see below)
    }

    /** Not run here: a polled transport hands out no channel that could be closed underneath it. */
    @Override
    void aReadFailsIfTheChannelIsClosedUnderneath() {}

    @Test
    void aPolledTransportHandsOutNoChannel() {
        assertThat(a.socketChannel()).isEmpty();
        assertThat(a.peerCredentials()).as("still read from the channel inside").isPresent();
    }

    @Test
    void aPollReturnsZeroWhenNothingCameInTime() {
        ByteBuffer dst = ByteBuffer.allocate(16);
        long t0 = System.nanoTime();
        assertThat(a.poll(dst, TimeUnit.MILLISECONDS.toNanos(50))).isZero();
        assertThat(System.nanoTime() - t0).as("it waited").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(a.poll(dst, 0)).as("a zero time limit does not wait").isZero();
    }

    @Test
    void aPollReturnsWhatArrived() throws Exception {
        Future<Integer> polled = executor.submit(() -> a.poll(ByteBuffer.allocate(16), Long.MAX_VALUE));
        b.write(ByteBuffer.wrap("hello".getBytes(UTF_8)));
        assertThat(polled.get(5, TimeUnit.SECONDS)).isEqualTo(5);
    }

    @Test
    void wakeupEndsAPollInProgress() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<Integer> polled = executor.submit(() -> {
            started.countDown();
            return a.poll(ByteBuffer.allocate(16), Long.MAX_VALUE);
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        a.wakeup(); // before or during the poll: either way it returns
        assertThat(polled.get(5, TimeUnit.SECONDS)).isZero();
        b.write(ByteBuffer.wrap("after".getBytes(UTF_8)));
        ByteBuffer dst = ByteBuffer.allocate(16);
        assertThat(a.read(dst)).isEqualTo(5);
    }

    @Test
    void anInterruptedPollReturnsZeroAndTheSocketStaysOpen() throws Exception {
        AtomicReference<Thread> poller = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Future<String> polled = executor.submit(() -> {
            poller.set(Thread.currentThread());
            started.countDown();
            int n = a.poll(ByteBuffer.allocate(16), Long.MAX_VALUE);
            return n + " " + Thread.interrupted();
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        poller.get().interrupt();
        assertThat(polled.get(5, TimeUnit.SECONDS)).isEqualTo("0 true");
        assertThat(a.isOpen()).isTrue();
        b.write(ByteBuffer.wrap("still".getBytes(UTF_8)));
        assertThat(a.read(ByteBuffer.allocate(16))).isEqualTo(5);
    }

    @Test
    void closeEndsAPollWithEndOfStream() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<Integer> polled = executor.submit(() -> {
            started.countDown();
            int n;
            while ((n = a.poll(ByteBuffer.allocate(16), Long.MAX_VALUE)) == 0) {
                // a wake-up before the close: poll again
            }
            return n;
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        a.close();
        assertThat(polled.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
    }

    @Test
    void transportsWithoutASocketCannotBePolled() {
        Transport[] pair = Transports.inMemoryPair(1024);
        try {
            assertThat(pair[0].startPolling()).isFalse();
            assertThatThrownBy(() -> pair[0].poll(ByteBuffer.allocate(1), 0))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("not polled");
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }
}
