package io.minbus.transport;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite over two named pipes opened as plain file streams, the way {@link
 * Transports#stdio()} and {@link Transports#fileDescriptors} see their pipes.
 */
class FifoTransportTest extends AbstractTransportTest {

    @TempDir Path directory;

    @Override
    protected Pair connect() throws Exception {
        Path aToB = Fifos.make(directory.resolve("a-to-b"));
        Path bToA = Fifos.make(directory.resolve("b-to-a"));
        // opening one end of a FIFO blocks until the other end is opened: open all four at once
        var aOut = CompletableFuture.supplyAsync(() -> output(aToB), executor);
        var bIn = CompletableFuture.supplyAsync(() -> input(aToB), executor);
        var bOut = CompletableFuture.supplyAsync(() -> output(bToA), executor);
        var aIn = CompletableFuture.supplyAsync(() -> input(bToA), executor);
        return new Pair(
                Transports.pipes(aIn.join(), aOut.join(), "pipe:fifo-a"),
                Transports.pipes(bIn.join(), bOut.join(), "pipe:fifo-b"));
    }

    @Override
    protected String descriptionPattern() {
        return "pipe:fifo-[ab]";
    }

    private static FileInputStream input(Path fifo) {
        try {
            return new FileInputStream(fifo.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static FileOutputStream output(Path fifo) {
        try {
            return new FileOutputStream(fifo.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
