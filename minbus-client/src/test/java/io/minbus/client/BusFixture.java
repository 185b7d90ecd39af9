package io.minbus.client;

import io.minbus.identity.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared by the identity tests: what a test opened (closed in reverse order after it), a
 * virtual-thread pool for blocking calls, and the bus's key pair.
 */
abstract class BusFixture {
    final List<AutoCloseable> toClose = new ArrayList<>();
    final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    final Keys serverKeys = Keys.generate();

    @AfterEach
    void closeEverythingOpened() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        pool.shutdownNow();
    }
}
