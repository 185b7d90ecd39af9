package io.minbus.bench.harness;

/**
 * What one probe measured in one round.
 *
 * @param count         operations completed in the measured time (round trips, messages, starts)
 * @param elapsedNanos  measured time
 * @param bytes         payload bytes moved (both directions for round trips)
 * @param histogram     latency of each operation (empty for bulk and one-way workloads)
 */
public record RoundResult(long count, long elapsedNanos, long bytes, LatencyHistogram histogram) {

    private static final String PREFIX = "result ";

    public double opsPerSecond() {
        return elapsedNanos <= 0 ? 0 : count * 1e9 / elapsedNanos;
    }

    public double bytesPerSecond() {
        return elapsedNanos <= 0 ? 0 : bytes * 1e9 / elapsedNanos;
    }

    /** The driver protocol's answer line. */
    public String format() {
        return PREFIX + "count=" + count + " elapsed_ns=" + elapsedNanos + " bytes=" + bytes + " hist=" + histogram.format();
    }

    /**
     * Parses a driver's answer; throws {@link DriverException} with the driver's message for an
     * {@code error} line and IllegalArgumentException for anything else unexpected.
     */
    public static RoundResult parse(String line) {
        if (line.startsWith("error")) {
            throw new DriverException(line.substring(5).trim());
        }
        if (!line.startsWith(PREFIX)) {
            throw new IllegalArgumentException("expected 'result ...' from the driver, got: " + line);
        }
        long count = -1;
        long elapsed = -1;
        long bytes = -1;
        LatencyHistogram h = new LatencyHistogram();
        for (String field : line.substring(PREFIX.length()).trim().split("\\s+")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("bad field '" + field + "' in: " + line);
            }
            String value = field.substring(eq + 1);
            switch (field.substring(0, eq)) {
                case "count" -> count = Long.parseLong(value);
                case "elapsed_ns" -> elapsed = Long.parseLong(value);
                case "bytes" -> bytes = Long.parseLong(value);
                case "hist" -> h = LatencyHistogram.parse(value);
                default -> { } // tolerate fields added later
            }
        }
        if (count < 0 || elapsed < 0 || bytes < 0) {
            throw new IllegalArgumentException("count, elapsed_ns and bytes needed in: " + line);
        }
        return new RoundResult(count, elapsed, bytes, h);
    }

    /** A driver reported that it could not run the command. */
    public static final class DriverException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DriverException(String message) {
            super(message);
        }
    }
}
