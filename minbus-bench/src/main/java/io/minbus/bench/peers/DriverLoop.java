package io.minbus.bench.peers;

import io.minbus.bench.harness.DriverCommand;
import io.minbus.bench.harness.RoundResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The driver side of the protocol: reads commands from stdin, runs each, prints the result line.
 * A failing command prints {@code error ...} (and its stack trace to stderr) and the loop goes on.
 */
public final class DriverLoop {

    /** Runs one command and measures it. */
    @FunctionalInterface
    public interface Driver {
        RoundResult run(DriverCommand command) throws Exception;
    }

    private DriverLoop() {
    }

    public static void run(Driver driver) throws IOException {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) {
                continue;
            }
            if (line.trim().equals(DriverCommand.QUIT)) {
                break;
            }
            try {
                out.println(driver.run(DriverCommand.parse(line)).format());
            } catch (Exception e) {
                e.printStackTrace();
                out.println("error " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
    }

    /** Nanosecond deadlines of a command: end of warm-up, end of measuring. */
    public record Deadlines(long warmEnd, long end) {
        public static Deadlines of(DriverCommand c) {
            long warmEnd = System.nanoTime() + c.warmupMillis() * 1_000_000;
            return new Deadlines(warmEnd, warmEnd + c.durationMillis() * 1_000_000);
        }
    }
}
