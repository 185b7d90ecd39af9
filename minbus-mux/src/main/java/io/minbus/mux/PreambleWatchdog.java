package io.minbus.mux;

import io.minbus.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a transport if the peer's preamble has not arrived in time, which unblocks the read in
 * {@link Session#start}. Waits on a virtual thread, so an idle watchdog costs no platform thread.
 */
final class PreambleWatchdog {
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicBoolean settled = new AtomicBoolean();

    private PreambleWatchdog() {
    }

    static PreambleWatchdog start(Transport transport, Duration timeout) {
        PreambleWatchdog w = new PreambleWatchdog();
        Thread.ofVirtual().name("minbus-preamble-watchdog").start(() -> {
            try {
                if (!w.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && w.settled.compareAndSet(false, true)) {
                    transport.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return w;
    }

    /** Stops the watchdog; false if it already fired (the transport is closed). */
    boolean cancel() {
        boolean won = settled.compareAndSet(false, true);
        done.countDown();
        return won;
    }
}
