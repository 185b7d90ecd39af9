package io.minbus.bench.harness;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one probe measured in one round.
 *
 * @param count         operations completed in the measured time (round trips, messages, starts)
 * @param elapsedNanos  measured time
 * @param bytes         payload bytes moved (both directions for round trips)
 * @param histogram     latency of each operation (empty for bulk and one-way workloads)
 * @param extras        further figures a driver reports, by name (e.g. a server's RSS or its most
 *                      buffered relay bytes); on the wire {@code name=value} fields after {@code hist}
 */
public record RoundResult(long count, long elapsedNanos, long bytes, LatencyHistogram histogram, Map<String, Double> extras) {

    private static final String PREFIX = "result ";

    public RoundResult {
        extras = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    public RoundResult(long count, long elapsedNanos, long bytes, LatencyHistogram histogram) {
        this(count, elapsedNanos, bytes, histogram, Map.of());
    }

    /** This result with more extra figures (names without spaces or '='). */
    public RoundResult with(Map<String, Double> more) {
        Map<String, Double> all = new LinkedHashMap<>(extras);
        all.putAll(more);
        return new RoundResult(count, elapsedNanos, bytes, histogram, all);
    }

    public double opsPerSecond() {
        return elapsedNanos <= 0 ? 0 : count * 1e9 / elapsedNanos;
    }

    public double bytesPerSecond() {
        return elapsedNanos <= 0 ? 0 : bytes * 1e9 / elapsedNanos;
    }

    /** The driver protocol's answer line. */
    public String format() {
        StringBuilder b = new StringBuilder(PREFIX + "count=" + count + " elapsed_ns=" + elapsedNanos + " bytes=" + bytes
                + " hist=" + histogram.format());
        extras.forEach((k, v) -> b.append(' ').append(k).append('=').append(String.format(Locale.ROOT, "%.6g", v)));
        return b.toString();
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
        Map<String, Double> extras = new LinkedHashMap<>();
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
                default -> {
                    try {
                        extras.put(field.substring(0, eq), Double.parseDouble(value));
                    } catch (NumberFormatException e) {
                        // tolerate fields added later that are not numbers
                    }
                }
            }
        }
        if (count < 0 || elapsed < 0 || bytes < 0) {
            throw new IllegalArgumentException("count, elapsed_ns and bytes needed in: " + line);
        }
        return new RoundResult(count, elapsed, bytes, h, extras);
    }

    /** A driver reported that it could not run the command. */
    public static final class DriverException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DriverException(String message) {
            super(message);
        }
    }
}
