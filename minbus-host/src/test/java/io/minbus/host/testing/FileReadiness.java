package io.minbus.host.testing;

import io.minbus.host.Launch;
import io.minbus.host.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the bus side's readiness: a start is ready when the child created the file
 * {@code <dir>/<its MINBUS_PLUGIN_SECRET>} (see {@link Scripts#SIGNAL_READY}), which proves it
 * holds the launch's secret, as a bus connection would. Children find the directory in {@code
 * READY_DIR}.
 */
public final class FileReadiness implements Readiness, AutoCloseable {

    private final Path dir;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-readiness");
        t.setDaemon(true);
        return t;
    });

    public FileReadiness(Path dir) {
        this.dir = dir;
    }

    /** The directory; put it in the plugin's environment as READY_DIR. */
    public Path dir() {
        return dir;
    }

    @Override
    public CompletionStage<?> awaitReady(Launch launch) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Path signal = dir.resolve(launch.secret());
        ScheduledFuture<?> poll = poller.scheduleWithFixedDelay(() -> {
            if (Files.exists(signal)) {
                ready.complete(null);
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
        launch.exit().whenComplete((code, err) -> poll.cancel(false));
        ready.whenComplete((v, err) -> poll.cancel(false));
        return ready;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
