package io.minbus.transport;

import java.nio.ByteBuffer;

/**
 * A child process for {@link StdioTransportTest}: echoes its standard input to its standard output
 * through {@link Transports#stdio()}, then half-closes and exits.
 */
public final class StdioEcho {

    private StdioEcho() {}

    /** Runs the echo. */
    public static void main(String[] args) {
        try (Transport stdio = Transports.stdio()) {
            if (!stdio.description().equals("pipe:stdio")) {
                throw new AssertionError(stdio.description());
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect(10_000);
            while (stdio.read(buffer.clear()) >= 0) {
                stdio.write(buffer.flip());
            }
            stdio.shutdownOutput();
        }
        System.err.println("StdioEcho: done");
    }
}
